using System.CommandLine;
using System.Globalization;
using ClickPredict.Core.Data;
using ClickPredict.Core.Features;

namespace ClickPredict.Cli;

/// <summary>Options several commands share, and the checks that go with them.</summary>
internal static class CliOptions
{
    public static readonly string[] Formats = ["criteo", "avazu", "ipinyou", "events"];

    public static Option<string> Data() => new("--data")
    {
        Description = "Example file (gzip when it ends in .gz)",
        Required = true,
    };

    public static Option<string> Format()
    {
        var option = new Option<string>("--format")
        {
            Description = "Data format: criteo, avazu, ipinyou or events (ClickPredict's own labelled examples)",
            Required = true,
        };
        option.AcceptOnlyFromAmong(Formats);
        return option;
    }

    public static Option<double> HoldoutFraction(string description)
    {
        var option = new Option<double>("--holdout-fraction") { Description = description, DefaultValueFactory = _ => 0.0 };
        option.Validators.Add(result =>
        {
            var value = result.GetValueOrDefault<double>();
            if (!(value is >= 0 and < 1))
            {
                result.AddError(string.Create(CultureInfo.InvariantCulture, $"--holdout-fraction must be in [0, 1), not {value}"));
            }
        });
        return option;
    }

    /// <summary>A number option that must be finite and at least <paramref name="minimum"/> (above it when <paramref name="exclusive"/>).</summary>
    public static Option<double?> Number(string name, string description, double minimum, bool exclusive)
    {
        var option = new Option<double?>(name) { Description = description };
        option.Validators.Add(result =>
        {
            var value = result.GetValueOrDefault<double?>();
            if (value is { } v && !(double.IsFinite(v) && (exclusive ? v > minimum : v >= minimum)))
            {
                result.AddError(string.Create(CultureInfo.InvariantCulture, $"{name} must be a finite number {(exclusive ? ">" : ">=")} {minimum}, not {v}"));
            }
        });
        return option;
    }

    public static Option<int> Count(string name, string description, int fallback, int minimum = 1)
    {
        var option = new Option<int>(name) { Description = description, DefaultValueFactory = _ => fallback };
        option.Validators.Add(result =>
        {
            var value = result.GetValueOrDefault<int>();
            if (value < minimum)
            {
                result.AddError($"{name} must be at least {minimum}, not {value}");
            }
        });
        return option;
    }

    public static DataFormat ParseFormat(string name) =>
        ExampleReader.TryParseFormat(name, out var format) ? format : throw new CliException($"unknown format '{name}' (one of: {string.Join(", ", Formats)})");

    /// <summary>Refuses a spec whose schema is not the one the data format's fields come in.</summary>
    public static void CheckSchema(FeatureSpec spec, DataFormat format, string what)
    {
        var schema = ExampleReader.SchemaOf(format);
        if (!ReferenceEquals(spec.Schema, schema))
        {
            throw new CliException($"{what} uses schema '{spec.Schema.Name}' but --format {format.ToString().ToLowerInvariant()} gives '{schema.Name}' fields");
        }
    }

    /// <summary>Counts the examples in a file (a full read; only when a holdout split needs the total).</summary>
    public static long CountRows(string path, DataFormat format)
    {
        using var reader = ExampleReader.Open(path, format);
        while (reader.Read())
        {
        }

        return reader.Count;
    }

    /// <summary>Rows to train on and to hold out, by position: the last fraction is held out.</summary>
    public static (long Train, long Holdout) Split(long rows, double holdoutFraction)
    {
        var holdout = (long)Math.Floor(rows * holdoutFraction);
        return (rows - holdout, holdout);
    }

    public static string Describe(DataFormat format) => format.ToString().ToLowerInvariant();
}
