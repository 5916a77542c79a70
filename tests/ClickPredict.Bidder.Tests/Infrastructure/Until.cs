namespace ClickPredict.Bidder.Tests.Infrastructure;

/// <summary>Waits for a condition on the system's own state (a counter, a ledger), checked every 10 ms, failing after a generous bound.</summary>
public static class Until
{
    public static async Task TrueAsync(Func<bool> condition, Func<string> what, int maxSeconds = 60)
    {
        var deadline = DateTime.UtcNow.AddSeconds(maxSeconds);
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"not within {maxSeconds} s: {what()}");
            }

            await Task.Delay(10);
        }
    }
}
