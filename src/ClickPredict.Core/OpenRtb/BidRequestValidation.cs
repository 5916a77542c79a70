namespace ClickPredict.Core.OpenRtb;

/// <summary>Checks that span fields (what one value alone cannot show), shared by every wire format's parser.</summary>
public static class BidRequestValidation
{
    /// <summary>Throws <see cref="BidRequestException"/> unless the request has an id, imps with unique ids, and not both site and app.</summary>
    public static void Validate(BidRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (!request.Id.HasValue)
        {
            BidRequestException.Throw(BidRequestError.MissingField, "id", "the request id is required");
        }

        if (request.ImpCount == 0)
        {
            BidRequestException.Throw(BidRequestError.MissingField, "imp", "at least one imp is required");
        }

        for (var i = 0; i < request.ImpCount; i++)
        {
            var id = request.Imp(i).Id;
            if (!id.HasValue)
            {
                BidRequestException.Throw(BidRequestError.MissingField, "imp[].id", "every imp needs an id");
            }

            for (var j = 0; j < i; j++)
            {
                if (request.Text(request.Imp(j).Id).SequenceEqual(request.Text(id)))
                {
                    BidRequestException.Throw(BidRequestError.InvalidValue, "imp[].id", "imp ids must be unique");
                }
            }
        }

        if (request.Site.IsPresent && request.App.IsPresent)
        {
            BidRequestException.Throw(BidRequestError.InvalidValue, "site", "a request carries site or app, not both");
        }
    }
}
