using BenchmarkDotNet.Reports;

namespace ClickPredict.Benchmarks;

/// <summary>
/// Holds BenchmarkDotNet JSON exports against <c>benchmarks/allocation-budget.json</c>: after every
/// run (the reports just written), or by hand with
/// <c>--check-budget [results dir or report files...] [--budget file]</c>. Exit code 1 names each
/// benchmark over budget with its bytes; 2 means the check could not be made.
/// </summary>
internal static class BudgetCommand
{
    public const string Flag = "--check-budget";

    private const string BudgetFile = "benchmarks/allocation-budget.json";
    private const string DefaultResults = "BenchmarkDotNet.Artifacts/results";
    private const string ReportPattern = "*-report-full.json";

    /// <summary>The <c>--check-budget</c> mode: <paramref name="args"/> are what follows the flag.</summary>
    public static int Run(string[] args)
    {
        string? budgetPath = null;
        var targets = new List<string>();
        for (var i = 0; i < args.Length; i++)
        {
            if (args[i] == "--budget" && i + 1 < args.Length)
            {
                budgetPath = args[++i];
            }
            else if (args[i].StartsWith('-'))
            {
                return Fail($"unknown option '{args[i]}'; usage: {Flag} [results dir or report files...] [--budget file]");
            }
            else
            {
                targets.Add(args[i]);
            }
        }

        if (targets.Count == 0)
        {
            targets.Add(DefaultResults);
        }

        var reports = new List<string>();
        foreach (var target in targets)
        {
            if (Directory.Exists(target))
            {
                reports.AddRange(Directory.GetFiles(target, ReportPattern).Order(StringComparer.Ordinal));
            }
            else if (File.Exists(target))
            {
                reports.Add(target);
            }
            else
            {
                return Fail($"'{target}' is neither a results directory nor a report file");
            }
        }

        return Check(budgetPath, reports);
    }

    /// <summary>After a run that began at <paramref name="startedUtc"/>: checks the full JSON reports it wrote.</summary>
    public static int AfterRun(Summary[] summaries, DateTime startedUtc)
    {
        var directories = summaries.Where(s => !s.Reports.IsEmpty).Select(s => s.ResultsDirectoryPath).Distinct(StringComparer.Ordinal).ToArray();
        if (directories.Length == 0)
        {
            // --list, --info, or nothing matched the filter: nothing ran, nothing to check.
            return 0;
        }

        var reports = directories
            .SelectMany(d => Directory.GetFiles(d, ReportPattern))
            .Where(f => File.GetLastWriteTimeUtc(f) >= startedUtc)
            .Order(StringComparer.Ordinal)
            .ToList();
        return reports.Count == 0
            ? Fail($"the run wrote no JSON export ({ReportPattern}) in {string.Join(", ", directories)}, so its allocations cannot be checked")
            : Check(null, reports);
    }

    private static int Check(string? budgetPath, List<string> reports)
    {
        if (reports.Count == 0)
        {
            return Fail($"no BenchmarkDotNet JSON export ({ReportPattern}) to check; run the benchmarks first");
        }

        AllocationBudget budget;
        try
        {
            budget = AllocationBudget.Load(budgetPath ?? RepositoryFile.Find(BudgetFile));
        }
        catch (Exception e) when (e is IOException or FormatException or System.Text.Json.JsonException)
        {
            return Fail($"cannot read the allocation budget: {e.Message}");
        }

        var violations = 0;
        var budgeted = 0;
        Console.WriteLine($"Allocation budget {budget.Path}:");
        foreach (var report in reports)
        {
            List<BudgetLine> lines;
            try
            {
                lines = budget.Check(report);
            }
            catch (Exception e) when (e is IOException or FormatException or System.Text.Json.JsonException)
            {
                return Fail($"cannot read '{report}': {e.Message}");
            }

            foreach (var line in lines)
            {
                Console.WriteLine(line);
                budgeted += line.IsBudgeted ? 1 : 0;
                violations += line.IsViolation ? 1 : 0;
            }
        }

        if (violations > 0)
        {
            Console.Error.WriteLine($"allocation budget exceeded: {violations} of {budgeted} budgeted benchmarks (see FAIL lines above)");
            return 1;
        }

        Console.WriteLine($"allocation budget met: {budgeted} budgeted benchmarks checked in {reports.Count} report(s)");
        return 0;
    }

    private static int Fail(string message)
    {
        Console.Error.WriteLine($"{Flag}: {message}");
        return 2;
    }
}
