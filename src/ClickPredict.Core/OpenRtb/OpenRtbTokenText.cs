namespace ClickPredict.Core.OpenRtb;

/// <summary>How a refusal names the value it found ("expected a string, found an array").</summary>
internal static class OpenRtbTokenText
{
    public static string Describe(OpenRtbToken token) => token switch
    {
        OpenRtbToken.Object => "an object",
        OpenRtbToken.Array => "an array",
        OpenRtbToken.String => "a string",
        OpenRtbToken.Number => "a number",
        OpenRtbToken.Boolean => "a boolean",
        OpenRtbToken.Null => "null",
        OpenRtbToken.Binary => "binary data",
        OpenRtbToken.Extension => "an extension value",
        _ => "an invalid value",
    };
}
