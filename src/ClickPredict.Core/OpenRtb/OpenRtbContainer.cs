namespace ClickPredict.Core.OpenRtb;

/// <summary>
/// An object or array the reader has entered, kept on the caller's stack: MessagePack's maps and
/// arrays give their length up front (<see cref="Remaining"/>), JSON's end with a token (it leaves
/// the count alone). <see cref="Path"/> names the container in a refusal.
/// </summary>
internal struct OpenRtbContainer(string path, int remaining)
{
    public string Path { get; } = path;

    /// <summary>Entries or items not yet read (MessagePack only).</summary>
    public int Remaining { get; set; } = remaining;
}
