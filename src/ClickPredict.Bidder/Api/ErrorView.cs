namespace ClickPredict.Bidder.Api;

/// <summary>The error body of the admin endpoints, as every refusal's: <c>{"error":"code","message":"what and where"}</c> (see <see cref="ErrorBody"/>).</summary>
internal sealed record ErrorView(string Error, string Message);
