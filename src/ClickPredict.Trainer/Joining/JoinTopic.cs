namespace ClickPredict.Trainer.Joining;

/// <summary>The joiner's three inputs, as indices into per-topic arrays.</summary>
internal enum JoinTopic
{
    Bids = 0,
    Impressions = 1,
    Clicks = 2,
}
