using System.Buffers;
using System.Text.Json;

namespace ClickPredict.Bidder.Api;

/// <summary>The short JSON error every refusal carries: <c>{"error":"code","message":"what and where"}</c>.</summary>
internal static class ErrorBody
{
    private static readonly JsonEncodedText s_error = JsonEncodedText.Encode("error");
    private static readonly JsonEncodedText s_message = JsonEncodedText.Encode("message");

    public static Task WriteAsync(HttpContext http, ArrayBufferWriter<byte> buffer, Utf8JsonWriter writer, int status, string code, string message)
    {
        buffer.ResetWrittenCount();
        writer.Reset(buffer);
        writer.WriteStartObject();
        writer.WriteString(s_error, code);
        writer.WriteString(s_message, message);
        writer.WriteEndObject();
        writer.Flush();

        var response = http.Response;
        response.StatusCode = status;
        response.ContentType = "application/json";
        response.Headers["x-openrtb-version"] = "2.6";
        response.ContentLength = buffer.WrittenCount;
        return response.BodyWriter.WriteAsync(buffer.WrittenMemory).AsTask();
    }

    /// <summary>For endpoints without a pooled buffer (notices, admin): allocates, off the hot path.</summary>
    public static Task WriteAsync(HttpContext http, int status, string code, string message)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using var writer = new Utf8JsonWriter(buffer);
        return WriteAsync(http, buffer, writer, status, code, message);
    }
}
