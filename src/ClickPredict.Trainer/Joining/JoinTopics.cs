namespace ClickPredict.Trainer.Joining;

/// <summary>The joiner's input topic names, indexed by <see cref="JoinTopic"/>.</summary>
internal sealed class JoinTopics
{
    private readonly Dictionary<string, JoinTopic> _index;

    public JoinTopics(string bids, string impressions, string clicks)
    {
        Names = [bids, impressions, clicks];
        _index = new Dictionary<string, JoinTopic>(StringComparer.Ordinal)
        {
            [bids] = JoinTopic.Bids,
            [impressions] = JoinTopic.Impressions,
            [clicks] = JoinTopic.Clicks,
        };
    }

    /// <summary>Bids, impressions, clicks.</summary>
    public IReadOnlyList<string> Names { get; }

    public string this[JoinTopic topic] => Names[(int)topic];

    public bool TryFind(string name, out JoinTopic topic) => _index.TryGetValue(name, out topic);
}
