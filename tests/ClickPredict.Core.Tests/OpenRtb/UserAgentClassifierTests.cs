using System.Text;
using ClickPredict.Core.OpenRtb;

namespace ClickPredict.Core.Tests.OpenRtb;

public class UserAgentClassifierTests
{
    [Theory]
    [InlineData("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36", "windows", "chrome")]
    [InlineData("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0", "windows", "edge")]
    [InlineData("Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0", "windows", "firefox")]
    [InlineData("Mozilla/4.0 (compatible; MSIE 6.0; Windows NT 5.1; SV1; GTB7.2)", "windows", "ie")]
    [InlineData("Mozilla/5.0 (Windows NT 6.1; Trident/7.0; rv:11.0) like Gecko", "windows", "ie")]
    [InlineData("Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Safari/605.1.15", "mac", "safari")]
    [InlineData("Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) CriOS/131.0 Mobile/15E148 Safari/604.1", "ios", "chrome")]
    [InlineData("Mozilla/5.0 (Linux; Android 14; SM-S918B) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/26.0 Chrome/122.0.0.0 Mobile Safari/537.36", "android", "samsung")]
    [InlineData("Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 OPR/115.0.0.0", "linux", "opera")]
    [InlineData("Mozilla/5.0 (X11; CrOS x86_64 14541.0.0) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36", "chromeos", "chrome")]
    [InlineData("Mozilla/5.0 (Windows Phone 10.0; Android 6.0.1; Microsoft; Lumia 950) Edge/15.15063", "windows_phone", "edge")]
    [InlineData("Mozilla/4.0 (compatible; MSIE 7.0; Windows NT 5.1; Trident/4.0; Maxthon 2.0)", "windows", "maxthon")]
    [InlineData("curl/8.5.0", "other", "other")]
    public void Classify_KnownAgents(string ua, string os, string browser)
    {
        var bytes = Encoding.UTF8.GetBytes(ua);
        Assert.Equal(os, Encoding.UTF8.GetString(UserAgentClassifier.OsFamily(bytes)));
        Assert.Equal(browser, Encoding.UTF8.GetString(UserAgentClassifier.BrowserFamily(bytes)));
    }
}
