using System.Collections.Concurrent;
using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using ClickPredict.Bidder.Tests.Infrastructure;

namespace ClickPredict.Bidder.Tests.Api;

/// <summary>
/// Thousands of bad bodies, JSON and MessagePack: every one gets a 400 or 413 with a JSON error body,
/// none gets a 5xx, and the server goes on bidding.
/// </summary>
public sealed class BadInputTests(BidderFixture fixture) : IClassFixture<BidderFixture>
{
    private const string Json = "application/json";
    private const string MessagePack = "application/x-msgpack";

    private readonly HttpClient _client = fixture.Client;

    [Fact]
    public async Task EveryTruncatedPrefix_JsonAndMessagePack_Gets400WithAJsonError()
    {
        var json = SimBodies.One(seed: 51);
        var msgpack = SimBodies.ToMessagePack(json);
        var cases = new List<(byte[] Body, string Type)>();
        for (var length = 0; length < json.Length; length++)
        {
            cases.Add((json[..length], Json));
        }

        for (var length = 0; length < msgpack.Length; length++)
        {
            cases.Add((msgpack[..length], MessagePack));
        }

        Assert.True(cases.Count > 1000);
        var statuses = await SendAll(cases);
        Assert.All(statuses, s => Assert.Equal(400, s));
        await StillBids();
    }

    [Fact]
    public async Task TypeConfusedFields_JsonAndMessagePack_Get400NamingTheField()
    {
        var original = JsonNode.Parse(SimBodies.One(seed: 52))!;
        var cases = new List<(byte[] Body, string Type)>();
        var paths = new List<string>();
        foreach (var (path, replacement) in Confusions(original, "$"))
        {
            var body = Encoding.UTF8.GetBytes(replacement.ToJsonString());
            cases.Add((body, Json));
            cases.Add((SimBodies.ToMessagePack(body), MessagePack));
            paths.Add(path);
            paths.Add(path);
        }

        Assert.True(cases.Count > 150);
        var errors = new ConcurrentDictionary<int, JsonElement>();
        var statuses = await SendAll(cases, errors);
        for (var i = 0; i < cases.Count; i++)
        {
            Assert.True(statuses[i] == 400, $"{paths[i]} ({cases[i].Type}) answered {statuses[i]}");
            var code = errors[i].GetProperty("error").GetString();
            Assert.True(code is "wrong_type" or "invalid_value", $"{paths[i]}: {code}");
        }

        await StillBids();
    }

    [Fact]
    public async Task RandomCorruptions_JsonAndMessagePack_NeverGetA5xx()
    {
        var random = new Random(53);
        var json = SimBodies.One(seed: 53);
        var msgpack = SimBodies.ToMessagePack(json);
        var cases = new List<(byte[] Body, string Type)>();
        for (var i = 0; i < 1500; i++)
        {
            var (source, type) = i % 2 == 0 ? (json, Json) : (msgpack, MessagePack);
            var body = (byte[])source.Clone();
            for (var k = 1 + random.Next(3); k > 0; k--)
            {
                body[random.Next(body.Length)] = type == Json ? "{}[]\":,0e.tn\\ \u00ff"u8[random.Next(15)] : (byte)random.Next(256);
            }

            cases.Add((body, type));
        }

        var statuses = await SendAll(cases);

        // A corruption can land in a string or a number and leave a valid request: then it is bid on as one.
        Assert.All(statuses, s => Assert.Contains(s, new[] { 200, 204, 400 }));
        var refused = statuses.Count(s => s == 400);
        Assert.True(refused > 600, $"{refused} of {statuses.Length} refused");
        await StillBids();
    }

    [Fact]
    public async Task OversizedAndOverLimitBodies_Get413Or400()
    {
        var big = SimBodies.One(r => r["ext"] = new string('x', 70_000), seed: 54);
        var longString = SimBodies.One(r => r["device"]!["ua"] = new string('u', 9_000), seed: 54);
        var manyImps = SimBodies.One(r => r["imp"] = new JsonArray([.. Enumerable.Range(0, 65).Select(i => (JsonNode)new JsonObject { ["id"] = i.ToString(System.Globalization.CultureInfo.InvariantCulture) })]), seed: 54);
        var deep = Encoding.UTF8.GetBytes("{\"id\":\"x\",\"imp\":[{\"id\":\"1\"}],\"ext\":" + new string('[', 5000) + new string(']', 5000) + "}");

        await Expect(big, Json, 413, "too_large");
        await Expect(SimBodies.ToMessagePack(big), MessagePack, 413, "too_large");
        await Expect(longString, Json, 400, "limit_exceeded");
        await Expect(SimBodies.ToMessagePack(longString), MessagePack, 400, "limit_exceeded");
        await Expect(manyImps, Json, 400, "limit_exceeded");
        await Expect(deep, Json, 400, "malformed");

        // Sent chunked, with no length to refuse it by: Kestrel's body limit stops it while it is read.
        using (var chunked = new HttpRequestMessage(HttpMethod.Post, "/openrtb2/bid") { Content = new StreamContent(new MemoryStream(big)) })
        {
            chunked.Content.Headers.ContentType = new MediaTypeHeaderValue(Json);
            chunked.Headers.TransferEncodingChunked = true;
            using var response = await _client.SendAsync(chunked);
            await AssertError(response, 413, "too_large");
        }

        // A gzip bomb: a kilobyte that inflates past the limit is refused without inflating the rest.
        using var compressed = new MemoryStream();
        using (var gzip = new GZipStream(compressed, CompressionLevel.SmallestSize, leaveOpen: true))
        {
            gzip.Write(Encoding.UTF8.GetBytes("{\"id\":\"x\",\"ext\":\"" + new string(' ', 10_000_000) + "\"}"));
        }

        using (var bomb = await _client.PostBid(compressed.ToArray(), configure: r => r.Content!.Headers.ContentEncoding.Add("gzip")))
        {
            await AssertError(bomb, 413, "too_large");
        }

        using (var notGzip = await _client.PostBid(SimBodies.One(), configure: r => r.Content!.Headers.ContentEncoding.Add("gzip")))
        {
            await AssertError(notGzip, 400, "malformed");
        }

        await StillBids();
    }

    [Fact]
    public async Task UnsupportedContentTypeOrEncoding_Gets415()
    {
        await Expect(SimBodies.One(), "text/plain", 415, "unsupported_media_type");
        await Expect(SimBodies.One(), "application/x-protobuf", 415, "unsupported_media_type");
        using var brotli = await _client.PostBid(SimBodies.One(), configure: r => r.Content!.Headers.ContentEncoding.Add("br"));
        await AssertError(brotli, 415, "unsupported_media_type");

        // No Content-Type at all means JSON (OpenRTB's default).
        using var untyped = new HttpRequestMessage(HttpMethod.Post, "/openrtb2/bid") { Content = new ByteArrayContent(SimBodies.One()) };
        untyped.Content.Headers.ContentType = null;
        using var response = await _client.SendAsync(untyped);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task OversizedHeaders_AreRefusedByKestrel()
    {
        using var response = await _client.PostBid(SimBodies.One(), configure: r => r.Headers.Add("x-padding", new string('p', 20_000)));
        Assert.Equal(HttpStatusCode.RequestHeaderFieldsTooLarge, response.StatusCode);
        await StillBids();
    }

    private async Task Expect(byte[] body, string type, int status, string code)
    {
        using var response = await _client.PostBid(body, contentType: type);
        await AssertError(response, status, code);
    }

    private static async Task AssertError(HttpResponseMessage response, int status, string code)
    {
        Assert.Equal(status, (int)response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        var error = await response.Json();
        Assert.Equal(code, error.GetProperty("error").GetString());
        Assert.False(string.IsNullOrWhiteSpace(error.GetProperty("message").GetString()));
    }

    /// <summary>Sends every case (four at a time); every 4xx must carry a JSON error body.</summary>
    private async Task<int[]> SendAll(List<(byte[] Body, string Type)> cases, ConcurrentDictionary<int, JsonElement>? errors = null)
    {
        var statuses = new int[cases.Count];
        await Parallel.ForEachAsync(Enumerable.Range(0, cases.Count), new ParallelOptions { MaxDegreeOfParallelism = 4 }, async (i, _) =>
        {
            using var response = await _client.PostBid(cases[i].Body, contentType: cases[i].Type);
            statuses[i] = (int)response.StatusCode;
            if (statuses[i] >= 400)
            {
                Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
                var error = await response.Json();
                Assert.False(string.IsNullOrWhiteSpace(error.GetProperty("error").GetString()));
                Assert.False(string.IsNullOrWhiteSpace(error.GetProperty("message").GetString()));
                errors?.TryAdd(i, error);
            }
        });
        Assert.DoesNotContain(statuses, s => s >= 500);
        return statuses;
    }

    private async Task StillBids()
    {
        await _client.BidOn(SimBodies.One(seed: 59));
        using var health = await _client.GetAsync("/healthz");
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
    }

    /// <summary>For every value in the request, the request with that value replaced by one of a kind the field never takes.</summary>
    private static IEnumerable<(string Path, JsonNode Body)> Confusions(JsonNode root, string path)
    {
        foreach (var (childPath, replace) in Children(root, path))
        {
            yield return (childPath, replace);
        }
    }

    private static IEnumerable<(string Path, JsonNode Body)> Children(JsonNode root, string rootPath)
    {
        var stack = new Stack<(JsonNode Node, string Path)>();
        stack.Push((root, rootPath));
        while (stack.Count > 0)
        {
            var (node, path) = stack.Pop();
            if (node is JsonObject obj)
            {
                foreach (var (name, child) in obj.ToList())
                {
                    stack.Push((child!, path + "." + name));
                }
            }
            else if (node is JsonArray array)
            {
                for (var i = 0; i < array.Count; i++)
                {
                    stack.Push((array[i]!, path + "[" + i + "]"));
                }
            }

            if (ReferenceEquals(node, root))
            {
                continue;
            }

            foreach (var wrong in WrongKinds(node))
            {
                var copy = root.DeepClone();
                Replace(copy, path[(rootPath.Length)..], wrong);
                yield return (path + " := " + wrong.ToJsonString(), copy);
            }
        }
    }

    private static IEnumerable<JsonNode> WrongKinds(JsonNode node) => node.GetValueKind() switch
    {
        JsonValueKind.Object => [new JsonArray(1), JsonValue.Create("x")],
        JsonValueKind.Array => [new JsonObject { ["a"] = 1 }, JsonValue.Create(7)],
        JsonValueKind.String => [JsonValue.Create(7), new JsonObject(), JsonValue.Create(true)],
        _ => [JsonValue.Create("7"), new JsonArray(), JsonValue.Create(false)],
    };

    private static void Replace(JsonNode root, string relative, JsonNode value)
    {
        // relative is like ".imp[0].banner.w": walk to the parent, then set.
        var parts = new List<object>();
        var i = 0;
        while (i < relative.Length)
        {
            if (relative[i] == '.')
            {
                var end = relative.IndexOfAny(['.', '['], i + 1);
                end = end < 0 ? relative.Length : end;
                parts.Add(relative[(i + 1)..end]);
                i = end;
            }
            else
            {
                var end = relative.IndexOf(']', i);
                parts.Add(int.Parse(relative[(i + 1)..end], System.Globalization.CultureInfo.InvariantCulture));
                i = end + 1;
            }
        }

        var parent = root;
        for (var k = 0; k < parts.Count - 1; k++)
        {
            parent = parts[k] is string name ? parent[name]! : parent[(int)parts[k]]!;
        }

        if (parts[^1] is string last)
        {
            parent[last] = value;
        }
        else
        {
            parent[(int)parts[^1]] = value;
        }
    }
}
