using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;

namespace ClickPredict.Bidder.Tests.Infrastructure;

/// <summary>Request helpers.</summary>
public static class Http
{
    public static async Task<HttpResponseMessage> PostBid(this HttpClient client, byte[] body, string path = "/openrtb2/bid", string contentType = "application/json", Action<HttpRequestMessage>? configure = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        configure?.Invoke(request);
        return await client.SendAsync(request);
    }

    public static async Task<JsonElement> Json(this HttpResponseMessage response)
    {
        var bytes = await response.Content.ReadAsByteArrayAsync();
        return JsonDocument.Parse(bytes).RootElement.Clone();
    }

    /// <summary>Posts and expects a bid (200); returns the response's single bid.</summary>
    public static async Task<JsonElement> BidOn(this HttpClient client, byte[] body, string path = "/openrtb2/bid")
    {
        using var response = await client.PostBid(body, path);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var json = await response.Json();
        return json.GetProperty("seatbid")[0].GetProperty("bid")[0];
    }
}
