using ClickPredict.Core.Features;

namespace ClickPredict.Cli.Backtest;

/// <summary>The rows of a back-test, split: rows <c>[0, TrainRows)</c> train, <c>[TestFrom, TestTo)</c> are evaluated.</summary>
/// <param name="Table">Every row read.</param>
/// <param name="TrainRows">Rows trained on, from the first.</param>
/// <param name="TrainPositives">Clicks among them.</param>
/// <param name="TestFrom">First evaluated row (0 in progressive mode, where every row is scored before it is learned).</param>
/// <param name="TestTo">One past the last evaluated row.</param>
/// <param name="Labels">Labels of the evaluated rows.</param>
/// <param name="TimingRequests">Rows, each in its own <see cref="FieldValues"/>, for timing the serving path.</param>
internal sealed record SplitData(ExampleTable Table, int TrainRows, long TrainPositives, int TestFrom, int TestTo, bool[] Labels, FieldValues[] TimingRequests);
