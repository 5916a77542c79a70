using BenchmarkDotNet.Attributes;
using ClickPredict.Core.Shading;
using ClickPredict.Core.Simulation;

namespace ClickPredict.Benchmarks.Shading;

/// <summary>
/// First-price pricing on the bid path, per auction, over 10,000 distinct simulated first-price auctions
/// (seed 42, each with its context, floor and value): the fixed factor (today's rule, the baseline); reading
/// the win curve of the context from a trained win-rate model (hashing 7 features, 2 x 7 weight reads, an
/// exp); that plus the surplus maximiser; and the whole <see cref="BidShader.Shade"/> call the bidder will
/// make (curve, maximiser, exploration draw); and an imp with ten creatives of different values, priced
/// as the bidder will (<see cref="BidShader.Plan"/> once, then ten <c>Shade</c> calls). The model is the one
/// <c>shading-sim</c> learns over 40,000 auctions, 2^14 slots per table.
/// </summary>
[MemoryDiagnoser]
public class ShadingBenchmarks
{
    public const int Auctions = 10_000;
    private const double MaxCpm = 8.0;

    private readonly ShadingContext[] _contexts = new ShadingContext[Auctions];
    private readonly double[] _values = new double[Auctions];
    private readonly double[] _uniforms = new double[Auctions];
    private WinRateModel _model = null!;
    private BidShader _shader = null!;

    [GlobalSetup]
    public void Setup()
    {
        _model = new ShadingSimulation(new ShadingSimulationOptions { Auctions = 40_000 }).Run().Model;
        _shader = new BidShader();
        var simulator = new TrafficSimulator(new SimulatorOptions { Seed = 42, RequestsPerSecond = 2 });
        var random = new Random(42);
        var i = 0;
        while (i < Auctions)
        {
            var request = simulator.Next();
            var creative = simulator.PickCreative(request);
            if (request.AuctionType != 1 || creative is null)
            {
                continue;
            }

            _contexts[i] = new ShadingContext(ShadingContext.KeyOf(request.Exchange.Name), request.Width, request.Height, request.BidFloor, request.Time.UtcDateTime.Hour, request.DeviceType, request.IsApp);
            _values[i] = simulator.TrueCtr(request, creative) * 0.09 * 1000;
            _uniforms[i] = random.NextDouble();
            i++;
        }
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = Auctions, Description = "fixed factor (per auction)")]
    public double FixedFactor()
    {
        var sum = 0.0;
        for (var i = 0; i < Auctions; i++)
        {
            sum += FixedShading.Bid(_values[i], 0.8, _contexts[i].FloorCpm, MaxCpm);
        }

        return sum;
    }

    [Benchmark(OperationsPerInvoke = Auctions, Description = "win curve of the context")]
    public double Curve()
    {
        var model = _model;
        var sum = 0.0;
        for (var i = 0; i < Auctions; i++)
        {
            sum += model.Curve(_contexts[i]).Mu;
        }

        return sum;
    }

    [Benchmark(OperationsPerInvoke = Auctions, Description = "win curve + surplus maximiser")]
    public double CurveAndMaximize()
    {
        var model = _model;
        var sum = 0.0;
        for (var i = 0; i < Auctions; i++)
        {
            sum += SurplusMaximizer.Maximize(model.Curve(_contexts[i]), _values[i], _contexts[i].FloorCpm, MaxCpm).Bid;
        }

        return sum;
    }

    [Benchmark(OperationsPerInvoke = Auctions, Description = "BidShader.Shade (the bid-path call)")]
    public double Shade()
    {
        var model = _model;
        var shader = _shader;
        var sum = 0.0;
        for (var i = 0; i < Auctions; i++)
        {
            sum += shader.Shade(model, _contexts[i], _values[i], MaxCpm, _uniforms[i]).Bid;
        }

        return sum;
    }

    [Benchmark(OperationsPerInvoke = Auctions, Description = "plan + Shade of 10 creatives (per imp)")]
    public double TenCreatives()
    {
        var model = _model;
        var shader = _shader;
        var sum = 0.0;
        for (var i = 0; i < Auctions; i++)
        {
            var plan = shader.Plan(model, _contexts[i]);
            for (var c = 0; c < 10; c++)
            {
                sum += shader.Shade(plan, _values[i] * (0.5 + (0.1 * c)), MaxCpm, _uniforms[(i + c) % Auctions]).Bid;
            }
        }

        return sum;
    }
}
