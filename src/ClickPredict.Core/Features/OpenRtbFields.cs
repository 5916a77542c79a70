namespace ClickPredict.Core.Features;

/// <summary>Indices of the <see cref="FieldSchema.OpenRtb"/> fields, for extraction code that fills them by position.</summary>
public static class OpenRtbFields
{
    public const int Exchange = 0;
    public const int Channel = 1;
    public const int SiteDomain = 2;
    public const int SiteCategory = 3;
    public const int AppBundle = 4;
    public const int AppCategory = 5;
    public const int PublisherId = 6;
    public const int ImpTagId = 7;
    public const int ImpSize = 8;
    public const int ImpPosition = 9;
    public const int ImpInterstitial = 10;
    public const int ImpSecure = 11;
    public const int ImpBidFloor = 12;
    public const int ImpDeal = 13;
    public const int DeviceType = 14;
    public const int DeviceOs = 15;
    public const int DeviceOsVersion = 16;
    public const int DeviceMake = 17;
    public const int DeviceModel = 18;
    public const int DeviceBrowser = 19;
    public const int DeviceConnection = 20;
    public const int DeviceLanguage = 21;
    public const int GeoCountry = 22;
    public const int GeoRegion = 23;
    public const int GeoCity = 24;
    public const int TimeHour = 25;
    public const int TimeDayOfWeek = 26;
    public const int UserKnown = 27;
    public const int AuctionType = 28;
    public const int CreativeId = 29;
    public const int CampaignId = 30;
    public const int AdvertiserId = 31;
    public const int CreativeSize = 32;

    /// <summary>How many fields the OpenRTB schema has.</summary>
    public const int Count = 33;
}
