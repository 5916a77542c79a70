namespace ClickPredict.Cli.Tests.Docker;

/// <summary>
/// One Dockerfile stage played out in a host folder, without Docker: image path <c>/x/y</c> is
/// <c>{Root}/x/y</c>. COPY from the build context (the repository, minus what <c>.dockerignore</c>
/// leaves out) and from other stages, WORKDIR and ENV are done as Docker does them; of RUN, the
/// <c>dotnet</c> commands run (absolute paths mapped into the folder) and <c>mkdir -p</c> creates its
/// folders; everything else (apt-get, chown) needs the base image and is skipped.
/// </summary>
internal sealed class StageFolder
{
    private static readonly TimeSpan s_commandLimit = TimeSpan.FromMinutes(10);

    public StageFolder(string root)
    {
        Root = root;
        Directory.CreateDirectory(root);
    }

    public string Root { get; }

    /// <summary>The current WORKDIR, an image path.</summary>
    public string Workdir { get; private set; } = "/";

    public Dictionary<string, string> Environment { get; } = new(StringComparer.Ordinal);

    /// <summary>The <c>dotnet</c> commands run, with their output (for failure messages).</summary>
    public List<string> Log { get; } = [];

    public string HostPath(string imagePath) => Path.Combine(Root, DockerCopy.ImagePath(Workdir, imagePath).TrimStart('/'));

    /// <summary>Plays <paramref name="instructions"/> in order; <paramref name="stages"/> are the folders of stages COPY --from may name.</summary>
    public async Task ApplyAsync(IEnumerable<DockerInstruction> instructions, DockerIgnore ignore, IReadOnlyDictionary<string, StageFolder> stages)
    {
        foreach (var instruction in instructions)
        {
            switch (instruction.Keyword)
            {
                case "WORKDIR":
                    Workdir = DockerCopy.ImagePath(Workdir, instruction.Arguments);
                    Directory.CreateDirectory(HostPath(Workdir));
                    break;
                case "ENV":
                    foreach (var (key, value) in DockerfileModel.Environment([instruction]))
                    {
                        Environment[key] = value;
                    }

                    break;
                case "COPY":
                    var copy = DockerCopy.Parse(instruction);
                    if (copy.FromContext)
                    {
                        CopyFromContext(copy, ignore);
                    }
                    else
                    {
                        var from = stages.TryGetValue(copy.FromStage!, out var stage) ? stage : throw new InvalidOperationException($"Dockerfile line {copy.Line}: stage '{copy.FromStage}' was not built");
                        CopyFromStage(copy, from);
                    }

                    break;
                case "RUN":
                    foreach (var command in instruction.Commands())
                    {
                        await RunAsync(command, instruction.Line);
                    }

                    break;
            }
        }
    }

    private void CopyFromContext(DockerCopy copy, DockerIgnore ignore)
    {
        foreach (var source in copy.Sources)
        {
            var relative = source.TrimEnd('/');
            var path = Path.Combine(CliRunner.RepoRoot, relative);
            var isDirectory = Directory.Exists(path);
            if (!isDirectory && !File.Exists(path))
            {
                throw new InvalidOperationException($"Dockerfile line {copy.Line}: COPY source '{source}' is not in the repository");
            }

            var target = HostPath(copy.Target(source, isDirectory, Workdir));
            if (isDirectory)
            {
                CopyDirectory(path, target, relative, ignore);
            }
            else if (!ignore.Excludes(relative))
            {
                CopyFile(path, target);
            }
        }
    }

    private void CopyFromStage(DockerCopy copy, StageFolder from)
    {
        foreach (var source in copy.Sources)
        {
            var path = from.HostPath(source);
            var isDirectory = Directory.Exists(path);
            if (!isDirectory && !File.Exists(path))
            {
                throw new InvalidOperationException($"Dockerfile line {copy.Line}: '{source}' does not exist in stage '{copy.FromStage}'");
            }

            var target = HostPath(copy.Target(source, isDirectory, Workdir));
            if (isDirectory)
            {
                CopyDirectory(path, target, null, null);
            }
            else
            {
                CopyFile(path, target);
            }
        }
    }

    private async Task RunAsync(string[] command, int line)
    {
        if (command[0] == "mkdir")
        {
            foreach (var folder in command.Skip(1).Where(w => !w.StartsWith('-')))
            {
                Directory.CreateDirectory(HostPath(folder));
            }

            return;
        }

        if (command[0] != "dotnet")
        {
            return;
        }

        var arguments = command.Skip(1).Select(w => w.StartsWith('/') ? HostPath(w) : w).ToList();
        if (arguments[0] is "publish" or "build")
        {
            // No MSBuild node or compiler server outlives the command (in a container they die with the RUN step).
            arguments.Add("--disable-build-servers");
        }

        using var process = ChildProcess.Start(ChildProcess.DotnetHost(), arguments, HostPath(Workdir), new Dictionary<string, string>
        {
            ["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1",
            ["DOTNET_NOLOGO"] = "1",
        });
        var exit = await process.WaitForExitAsync(s_commandLimit);
        Log.Add($"$ {process.Description}\n{process.Output}");
        Assert.True(exit == 0, $"Dockerfile line {line}: '{string.Join(' ', command)}' failed with exit code {exit}:\n{process.Tail()}");
    }

    private static void CopyDirectory(string source, string target, string? contextPath, DockerIgnore? ignore)
    {
        Directory.CreateDirectory(target);
        foreach (var file in Directory.EnumerateFiles(source))
        {
            var name = Path.GetFileName(file);
            if (ignore is null || !ignore.Excludes(contextPath + "/" + name))
            {
                CopyFile(file, Path.Combine(target, name));
            }
        }

        foreach (var directory in Directory.EnumerateDirectories(source))
        {
            var name = Path.GetFileName(directory);
            if (ignore is null || !ignore.Excludes(contextPath + "/" + name))
            {
                CopyDirectory(directory, Path.Combine(target, name), contextPath + "/" + name, ignore);
            }
        }
    }

    private static void CopyFile(string source, string target)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
        File.Copy(source, target, overwrite: true);
    }
}
