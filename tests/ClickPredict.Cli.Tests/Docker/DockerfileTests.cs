using ClickPredict.ServiceDefaults;

namespace ClickPredict.Cli.Tests.Docker;

/// <summary>
/// The Dockerfile against the tree, without Docker: every path it copies from the build context is
/// in the repository (and not left out by <c>.dockerignore</c>), every project it publishes exists
/// inside what the build stage copies, and each service image starts the assembly that stage
/// published and health-checks a port it listens on at an endpoint the service maps.
/// (<see cref="DockerfilePublishTests"/> runs the publish commands and starts the results.)
/// </summary>
public class DockerfileTests
{
    private static readonly DockerfileModel s_dockerfile = DockerfileModel.Load();

    [Fact]
    public void ContextCopies_NamePathsOfTheRepository_ThatTheBuildContextKeeps()
    {
        var ignore = DockerIgnore.Load();
        var copies = s_dockerfile.Stages.SelectMany(s => s.Copies).Where(c => c.FromContext).ToList();
        Assert.NotEmpty(copies);

        var sources = copies.SelectMany(c => c.Sources.Select(source => (Copy: c, Source: source))).ToList();
        foreach (var (copy, source) in sources)
        {
            Assert.False(Path.IsPathRooted(source), $"Dockerfile line {copy.Line}: '{source}' is absolute; context paths are relative to the repository root");
            var path = Path.Combine(CliRunner.RepoRoot, source);
            Assert.True(File.Exists(path) || Directory.Exists(path), $"Dockerfile line {copy.Line}: COPY source '{source}' is not in the repository");
            Assert.False(ignore.Excludes(source), $"Dockerfile line {copy.Line}: COPY source '{source}' is left out of the build context by .dockerignore");
        }

        // What the service images need at run time comes from the context: the configuration and the default model.
        Assert.Contains(sources, s => s.Source.TrimEnd('/') == "config");
        Assert.Contains(sources, s => s.Source == "models/default.cpm");
    }

    [Fact]
    public void PublishCommands_NameBothServiceProjects_InsideWhatTheirStageCopies()
    {
        var build = s_dockerfile.Stages.Single(s => DockerfileModel.PublishCommands(s).Any());
        var publishes = DockerfileModel.PublishCommands(build).ToList();
        var workdir = build.Instructions.Last(i => i.Keyword == "WORKDIR").Arguments;

        // Where each context COPY of the build stage puts its sources, as paths in the image.
        var copied = build.Copies.Where(c => c.FromContext)
            .SelectMany(c => c.Sources.Select(source =>
            {
                var isDirectory = Directory.Exists(Path.Combine(CliRunner.RepoRoot, source));
                return (Source: source.TrimEnd('/'), IsDirectory: isDirectory, Target: c.Target(source, isDirectory, workdir));
            }))
            .ToList();

        foreach (var publish in publishes)
        {
            Assert.Equal("Release", publish.Configuration);
            Assert.True(publish.Output is not null && publish.Output.StartsWith('/'), $"Dockerfile line {publish.Line}: 'dotnet publish' needs an absolute -o for the service stages to copy");

            // The project as the build stage sees it, traced back to the repository path it was copied from.
            var inImage = DockerCopy.ImagePath(workdir, publish.Project);
            var origin = copied.FirstOrDefault(c => inImage == c.Target || (c.IsDirectory && inImage.StartsWith(c.Target + "/", StringComparison.Ordinal)));
            Assert.True(origin.Source is not null, $"Dockerfile line {publish.Line}: '{inImage}' is not under anything the build stage copies ({string.Join(", ", copied.Select(c => c.Target))})");
            var repoPath = inImage == origin.Target ? origin.Source : origin.Source + inImage[origin.Target.Length..];
            Assert.True(File.Exists(Path.Combine(CliRunner.RepoRoot, repoPath)), $"Dockerfile line {publish.Line}: project '{publish.Project}' (repository path '{repoPath}') is not in the repository");
        }

        Assert.Equal(
            ["src/ClickPredict.Bidder/ClickPredict.Bidder.csproj", "src/ClickPredict.Trainer/ClickPredict.Trainer.csproj"],
            publishes.Select(p => p.Project).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void ServiceStages_RunTheAssemblyTheBuildStagePublished_ForTheBidderAndTheTrainer()
    {
        var publishes = s_dockerfile.Stages.SelectMany(DockerfileModel.PublishCommands).ToList();
        var services = s_dockerfile.ServiceStages.ToList();
        Assert.Equal(["bidder", "trainer"], services.Select(s => s.Name).Order(StringComparer.Ordinal));

        foreach (var stage in services)
        {
            var entrypoint = s_dockerfile.Entrypoint(stage);
            Assert.Equal("dotnet", entrypoint[0]);
            var dll = entrypoint[1];

            // The stage copies one publish output from the build stage to the folder the entry point runs from.
            var copy = Assert.Single(s_dockerfile.Effective(stage).Where(i => i.Keyword == "COPY").Select(DockerCopy.Parse), c => !c.FromContext);
            var publish = Assert.Single(publishes, p => p.Output == copy.Sources.Single().TrimEnd('/'));
            Assert.Equal(copy.Destination.TrimEnd('/'), Path.GetDirectoryName(dll)?.Replace('\\', '/'));
            var assembly = publish.AssemblyName(Path.Combine(CliRunner.RepoRoot, publish.Project));
            Assert.Equal(assembly + ".dll", Path.GetFileName(dll));
            Assert.Equal("clickpredict." + stage.Name, assembly.ToLowerInvariant());
        }
    }

    [Fact]
    public void HealthChecks_AskThePortTheServiceListensOn_AtAnEndpointItMaps()
    {
        foreach (var stage in s_dockerfile.ServiceStages)
        {
            var instructions = s_dockerfile.Effective(stage);
            var url = s_dockerfile.HealthCheckUrl(stage);
            var listen = new Uri(DockerfileModel.Environment(instructions)["ASPNETCORE_URLS"].Replace("+", "localhost", StringComparison.Ordinal));
            Assert.Equal(listen.Port, url.Port);
            Assert.Contains(instructions, i => i.Keyword == "EXPOSE" && i.Words.Contains(url.Port.ToString(System.Globalization.CultureInfo.InvariantCulture)));
            Assert.Contains(url.AbsolutePath, new[] { ServiceDefaultsExtensions.HealthPath, ServiceDefaultsExtensions.ReadyPath });
        }
    }

    [Fact]
    public void DockerIgnore_KeepsHostBuildOutputOutOfTheContext_ButNotTheSources()
    {
        var ignore = DockerIgnore.Load();

        Assert.True(ignore.Excludes("src/ClickPredict.Bidder/obj/project.assets.json"));
        Assert.True(ignore.Excludes("src/ClickPredict.Core/bin/Debug/net10.0/ClickPredict.Core.dll"));
        Assert.True(ignore.Excludes("models/registry/index.json"));
        Assert.False(ignore.Excludes("src/ClickPredict.Bidder/Program.cs"));
        Assert.False(ignore.Excludes("src/ClickPredict.Core/Data/ExampleReader.cs"));
        Assert.False(ignore.Excludes("config/features/default.json"));
    }

    [Fact]
    public void Parse_JoinsContinuationLines_DropsComments_AndReadsStageCopies()
    {
        var model = DockerfileModel.Parse("""
            FROM img:1 AS build
            # a comment
            WORKDIR /src
            COPY a.props b.props ./
            RUN dotnet publish src/A/A.csproj -c Release -o /out/a \
             && dotnet publish src/B/B.csproj -c Debug -o /out/b
            FROM build AS svc
            COPY --from=build /out/a /app/
            ENV X=1 \
                Y=two
            ENTRYPOINT ["dotnet", "/app/A.dll"]
            """);

        Assert.Equal(["build", "svc"], model.Stages.Select(s => s.Name));
        var copy = Assert.Single(model.Stage("build").Copies);
        Assert.Equal(["a.props", "b.props"], copy.Sources);
        Assert.Equal("./", copy.Destination);
        Assert.True(copy.FromContext);
        var publishes = DockerfileModel.PublishCommands(model.Stage("build")).ToList();
        Assert.Equal(["src/A/A.csproj", "src/B/B.csproj"], publishes.Select(p => p.Project));
        Assert.Equal(["Release", "Debug"], publishes.Select(p => p.Configuration));
        Assert.Equal(["/out/a", "/out/b"], publishes.Select(p => p.Output));
        Assert.Equal(5, publishes[0].Line);
        var stageCopy = Assert.Single(model.Stage("svc").Copies);
        Assert.Equal("build", stageCopy.FromStage);
        Assert.Equal(new Dictionary<string, string> { ["X"] = "1", ["Y"] = "two" }, DockerfileModel.Environment(model.Effective(model.Stage("svc"))));
        Assert.Equal(["dotnet", "/app/A.dll"], model.Entrypoint(model.Stage("svc")));
        Assert.Equal(["svc"], model.ServiceStages.Select(s => s.Name));
    }
}
