using System.Globalization;
using System.Text.Json;

namespace ClickPredict.Benchmarks;

/// <summary>
/// The hot path's allocation budget, kept as data in <c>benchmarks/allocation-budget.json</c>: the
/// bytes each benchmark may allocate per operation. <see cref="Check"/> holds a BenchmarkDotNet
/// JSON export (<c>*-report-full.json</c>) against it.
/// </summary>
internal sealed class AllocationBudget
{
    private readonly Dictionary<string, long> _bytesPerOperation;

    private AllocationBudget(string path, Dictionary<string, long> bytesPerOperation)
    {
        Path = path;
        _bytesPerOperation = bytesPerOperation;
    }

    public string Path { get; }

    public IReadOnlyDictionary<string, long> BytesPerOperation => _bytesPerOperation;

    /// <summary>Reads a budget file: <c>{ "benchmarks": { "Namespace.Type.Method": bytes, ... } }</c>.</summary>
    public static AllocationBudget Load(string path)
    {
        using var document = JsonDocument.Parse(File.ReadAllBytes(path));
        if (!document.RootElement.TryGetProperty("benchmarks", out var benchmarks) || benchmarks.ValueKind != JsonValueKind.Object)
        {
            throw new FormatException($"{path}: expected an object \"benchmarks\" mapping benchmark names to allowed bytes per operation");
        }

        var budget = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var entry in benchmarks.EnumerateObject())
        {
            if (entry.Value.ValueKind != JsonValueKind.Number || !entry.Value.TryGetInt64(out var bytes) || bytes < 0)
            {
                throw new FormatException($"{path}: budget of '{entry.Name}' must be a whole number of bytes >= 0");
            }

            budget[entry.Name] = bytes;
        }

        return new AllocationBudget(path, budget);
    }

    /// <summary>
    /// Checks every budgeted benchmark found in the BenchmarkDotNet full JSON export
    /// <paramref name="reportPath"/>. Returns one line per budgeted benchmark seen; a line of a
    /// benchmark over budget (or without an allocation figure) is an <see cref="BudgetLine.IsViolation"/>.
    /// </summary>
    public List<BudgetLine> Check(string reportPath)
    {
        using var document = JsonDocument.Parse(File.ReadAllBytes(reportPath));
        if (!document.RootElement.TryGetProperty("Benchmarks", out var benchmarks) || benchmarks.ValueKind != JsonValueKind.Array)
        {
            throw new FormatException($"{reportPath}: not a BenchmarkDotNet JSON export (no \"Benchmarks\" array)");
        }

        var lines = new List<BudgetLine>();
        foreach (var benchmark in benchmarks.EnumerateArray())
        {
            var name = benchmark.TryGetProperty("FullName", out var fullName) ? fullName.GetString() ?? string.Empty : string.Empty;
            if (!_bytesPerOperation.TryGetValue(name, out var allowed))
            {
                lines.Add(new BudgetLine(name, null, null, reportPath));
                continue;
            }

            long? measured = benchmark.TryGetProperty("Memory", out var memory)
                && memory.ValueKind == JsonValueKind.Object
                && memory.TryGetProperty("BytesAllocatedPerOperation", out var bytes)
                && bytes.ValueKind == JsonValueKind.Number
                    ? bytes.GetInt64()
                    : null;
            lines.Add(new BudgetLine(name, allowed, measured, reportPath));
        }

        return lines;
    }
}

/// <summary>One benchmark of a report against the budget.</summary>
/// <param name="Allowed">Bytes per operation the budget allows; null when the budget does not list it.</param>
/// <param name="Measured">Bytes per operation measured; null when the report has no figure (no MemoryDiagnoser, or the benchmark failed).</param>
internal sealed record BudgetLine(string Benchmark, long? Allowed, long? Measured, string Report)
{
    public bool IsBudgeted => Allowed is not null;

    public bool IsViolation => Allowed is { } allowed && (Measured is not { } measured || measured > allowed);

    public override string ToString() => (Allowed, Measured) switch
    {
        (null, _) => $"  (no budget) {Benchmark}",
        (_, null) => $"  FAIL {Benchmark}: no allocation figure in {Report} (was MemoryDiagnoser on, did it run?)",
        var (a, m) when m > a => string.Create(CultureInfo.InvariantCulture, $"  FAIL {Benchmark}: {m} B allocated per operation, budget {a} B"),
        var (a, m) => string.Create(CultureInfo.InvariantCulture, $"  ok   {Benchmark}: {m} B per operation (budget {a} B)"),
    };
}
