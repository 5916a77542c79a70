namespace ClickPredict.Cli.Tests.Docker;

/// <summary>One <c>FROM ... AS name</c> stage of the Dockerfile and its own instructions.</summary>
internal sealed class DockerStage(string name, string baseImage, int line)
{
    public string Name { get; } = name;

    /// <summary>The image or earlier stage it is built FROM.</summary>
    public string Base { get; } = baseImage;

    /// <summary>Line of its FROM.</summary>
    public int Line { get; } = line;

    public List<DockerInstruction> Instructions { get; } = [];

    /// <summary>Its COPY instructions.</summary>
    public IEnumerable<DockerCopy> Copies => Instructions.Where(i => i.Keyword == "COPY").Select(DockerCopy.Parse);

    public override string ToString() => Name;
}
