using System.Diagnostics.Metrics;
using System.Runtime.CompilerServices;
using ClickPredict.Core.Training;
using ClickPredict.Trainer.Joining;

namespace ClickPredict.Trainer.Diagnostics;

/// <summary>
/// The trainer's metrics (meter <c>ClickPredict.Trainer</c>), exported at <c>/metrics</c>:
/// <list type="bullet">
/// <item><c>clickpredict.trainer.joiner.events</c> {topic, outcome}: input events by what became of them
/// (accepted, duplicate, late_impression, click_after_window, click_without_impression, malformed);</item>
/// <item><c>clickpredict.trainer.joiner.examples</c> {label}: examples emitted (click, no_click);</item>
/// <item><c>clickpredict.trainer.joiner.unmatched</c> {kind}: auctions that ended without an example
/// (not_won, impression_without_bid, click_without_impression, click_after_window);</item>
/// <item><c>clickpredict.trainer.joiner.checkpoints</c> {outcome}: written or deferred (examples not yet acknowledged);</item>
/// <item><c>clickpredict.trainer.joiner.pending</c>: auctions waiting (gauge);</item>
/// <item><c>clickpredict.trainer.learner.examples</c> {outcome}: learned, sampled_out (negative down-sampling), malformed;</item>
/// <item><c>clickpredict.trainer.learner.decisions</c> {decision, reason, trigger}: every retrain decision;</item>
/// <item><c>clickpredict.trainer.learner.cpu</c> {work}: CPU seconds spent learning and on retrain rounds;</item>
/// <item><c>clickpredict.trainer.learner.checkpoints</c>: learner checkpoints written;</item>
/// <item><c>clickpredict.trainer.learner.progressive_log_loss</c>, <c>.champion_live_log_loss</c>, <c>.drift_psi</c>: gauges.</item>
/// </list>
/// </summary>
internal sealed class TrainerMetrics
{
    public const string MeterName = "ClickPredict.Trainer";

    private readonly Counter<long> _joinerEvents;
    private readonly Counter<long> _examples;
    private readonly Counter<long> _unmatched;
    private readonly Counter<long> _joinerCheckpoints;
    private readonly Counter<long> _learnerExamples;
    private readonly Counter<long> _decisions;
    private readonly Counter<double> _cpu;
    private readonly Counter<long> _learnerCheckpoints;
    private long _pending;
    private double _progressive = double.NaN;
    private double _championLive = double.NaN;
    private double _psi = double.NaN;

    public TrainerMetrics(IMeterFactory meterFactory)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        var meter = meterFactory.Create(MeterName);
        _joinerEvents = meter.CreateCounter<long>("clickpredict.trainer.joiner.events", "{event}", "Input events read by the joiner, by topic and what became of them.");
        _examples = meter.CreateCounter<long>("clickpredict.trainer.joiner.examples", "{example}", "Labelled examples emitted to the examples topic.");
        _unmatched = meter.CreateCounter<long>("clickpredict.trainer.joiner.unmatched", "{event}", "Auctions and clicks that ended without an example, by kind.");
        _joinerCheckpoints = meter.CreateCounter<long>("clickpredict.trainer.joiner.checkpoints", "{checkpoint}", "Join checkpoints written or deferred.");
        meter.CreateObservableGauge("clickpredict.trainer.joiner.pending", () => Interlocked.Read(ref _pending), "{auction}", "Auctions waiting for events or for their window to close.");
        _learnerExamples = meter.CreateCounter<long>("clickpredict.trainer.learner.examples", "{example}", "Examples read by the learner, by outcome.");
        _decisions = meter.CreateCounter<long>("clickpredict.trainer.learner.decisions", "{decision}", "Retrain decisions by outcome, deciding reason and trigger.");
        _cpu = meter.CreateCounter<double>("clickpredict.trainer.learner.cpu", "s", "CPU seconds of the learner thread, learning and on retrain rounds.");
        _learnerCheckpoints = meter.CreateCounter<long>("clickpredict.trainer.learner.checkpoints", "{checkpoint}", "Learner checkpoints written.");
        meter.CreateObservableGauge("clickpredict.trainer.learner.progressive_log_loss", () => Volatile.Read(ref _progressive), description: "The learner's progressive log loss over the recent window.");
        meter.CreateObservableGauge("clickpredict.trainer.learner.champion_live_log_loss", () => Volatile.Read(ref _championLive), description: "The champion's log loss over the recent window.");
        meter.CreateObservableGauge("clickpredict.trainer.learner.drift_psi", () => Volatile.Read(ref _psi), description: "Largest population stability index of the drift fields.");
    }

    public void JoinerEvents(string topic, JoinResult result, long count)
    {
        if (_joinerEvents.Enabled && count > 0)
        {
            Add(_joinerEvents, "topic", topic, "outcome", Name(result), count);
        }
    }

    public void Examples(bool clicked, long count)
    {
        if (_examples.Enabled && count > 0)
        {
            Add(_examples, "label", clicked ? "click" : "no_click", count);
        }
    }

    public void Unmatched(string kind, int count = 1)
    {
        if (_unmatched.Enabled && count > 0)
        {
            Add(_unmatched, "kind", kind, count);
        }
    }

    public void JoinerCheckpoint(bool written)
    {
        if (_joinerCheckpoints.Enabled)
        {
            Add(_joinerCheckpoints, "outcome", written ? "written" : "deferred");
        }
    }

    public void Pending(long pending) => Interlocked.Exchange(ref _pending, pending);

    public void LearnerExamples(string outcome, long count = 1)
    {
        if (_learnerExamples.Enabled && count > 0)
        {
            Add(_learnerExamples, "outcome", outcome, count);
        }
    }

    public void Decision(RetrainDecision decision)
    {
        ArgumentNullException.ThrowIfNull(decision);
        if (_decisions.Enabled)
        {
            AddDecision(decision);
        }
    }

    public void Cpu(string work, double seconds)
    {
        if (_cpu.Enabled && seconds > 0)
        {
            AddCpu(work, seconds);
        }
    }

    public void LearnerCheckpoint() => _learnerCheckpoints.Add(1);

    public void Windows(double progressive, double championLive, double psi)
    {
        Volatile.Write(ref _progressive, progressive);
        Volatile.Write(ref _championLive, championLive);
        Volatile.Write(ref _psi, psi);
    }

    public static string Name(JoinResult result) => result switch
    {
        JoinResult.Accepted => "accepted",
        JoinResult.Duplicate => "duplicate",
        JoinResult.LateImpression => "late_impression",
        JoinResult.ClickAfterWindow => "click_after_window",
        JoinResult.ClickWithoutImpression => "click_without_impression",
        _ => "malformed",
    };

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void Add(Counter<long> counter, string key, string value, long count = 1) =>
        counter.Add(count, new KeyValuePair<string, object?>(key, value));

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void Add(Counter<long> counter, string key1, string value1, string key2, string value2, long count) =>
        counter.Add(count, new KeyValuePair<string, object?>(key1, value1), new KeyValuePair<string, object?>(key2, value2));

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void AddDecision(RetrainDecision decision) => _decisions.Add(
        1,
        new KeyValuePair<string, object?>("decision", decision.OutcomeName),
        new KeyValuePair<string, object?>("reason", decision.Reason),
        new KeyValuePair<string, object?>("trigger", decision.TriggerName));

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void AddCpu(string work, double seconds) => _cpu.Add(seconds, new KeyValuePair<string, object?>("work", work));
}
