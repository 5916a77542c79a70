using ClickPredict.Core.Simulation;

namespace ClickPredict.Core.Shading;

/// <summary>
/// Replays the same seeded first-price auctions under three policies and tallies what each wins, spends
/// and earns: <c>fixed</c>, the value times a fixed factor (the bidder's <c>Bidder:FirstPriceShading</c>);
/// <c>learned</c>, a <see cref="BidShader"/> over a <see cref="WinRateLearner"/> that learns from its own
/// wins and losses as the auctions go (the minimum bid to win where the exchange reports it), exactly as it
/// will live; and <c>oracle</c>, the surplus maximum under the competition the simulator actually draws
/// from, the best any policy can expect. Each auction draws one price to beat that all three face; an
/// impression is worth its hidden true CTR times the value per click, so the policies differ only in price.
/// </summary>
public sealed class ShadingSimulation
{
    public const string Fixed = "fixed", Learned = "learned", Oracle = "oracle";

    private readonly ShadingSimulationOptions _options;

    public ShadingSimulation(ShadingSimulationOptions? options = null)
    {
        _options = options ?? new ShadingSimulationOptions();
        _options.Validate();
    }

    /// <summary>Runs the replay; <paramref name="progress"/> (optional) hears the auctions done so far now and then.</summary>
    public ShadingSimulationResult Run(Action<long>? progress = null)
    {
        var o = _options;
        var simulator = new TrafficSimulator(new SimulatorOptions
        {
            Seed = o.Seed,
            OutcomeSeed = o.Seed + 4200,
            RequestsPerSecond = o.RequestsPerSecond,
            CompetitionDriftPerDay = o.CompetitionDriftPerDay,
        });
        var learner = new WinRateLearner(o.Learner);
        var shader = new BidShader(o.Shading);
        var exploration = new SimRandom(o.Seed + 77);
        var tallies = new Dictionary<string, Tally[]>(StringComparer.Ordinal);
        var keys = new Dictionary<string, uint>(StringComparer.Ordinal);
        long auctions = 0, secondPrice = 0, withoutCreative = 0, modelBids = 0, fallbackBids = 0, explored = 0;
        var factor = o.Shading.FallbackFactor;
        DateTimeOffset? first = null;
        var last = simulator.Clock;
        while (auctions < o.Auctions)
        {
            var request = simulator.Next();
            if (request.AuctionType != 1)
            {
                secondPrice++;
                continue;
            }

            var creative = simulator.PickCreative(request);
            if (creative is null)
            {
                withoutCreative++;
                continue;
            }

            first ??= request.Time;
            last = request.Time;
            auctions++;
            var exchange = request.Exchange.Name;
            if (!tallies.TryGetValue(exchange, out var row))
            {
                row = [new Tally(), new Tally(), new Tally()];
                tallies[exchange] = row;
                keys[exchange] = learner.Track(exchange);
            }

            var value = simulator.TrueCtr(request, creative) * o.ValuePerClickUsd * 1000;
            var competition = simulator.CompetitionOf(request);
            var toBeat = (double)simulator.SamplePriceToBeat(competition);
            var floor = request.BidFloor;

            row[0].Add(FixedShading.Bid(value, factor, floor, o.MaxCpmUsd), value, toBeat);
            row[2].Add(SurplusMaximizer.Maximize(competition, value, floor, o.MaxCpmUsd).Bid, value, toBeat);

            var context = new ShadingContext(keys[exchange], request.Width, request.Height, floor, request.Time.UtcDateTime.Hour, request.DeviceType, request.IsApp);
            var shaded = shader.Shade(learner, context, value, o.MaxCpmUsd, exploration.NextDouble());
            var won = row[1].Add(shaded.Bid, value, toBeat);
            if (shaded.IsBid)
            {
                modelBids += shaded.Source == ShadingSource.Model ? 1 : 0;
                fallbackBids += shaded.Source == ShadingSource.Fallback ? 1 : 0;
                explored += shaded.Explored ? 1 : 0;
                learner.Observe(context, shaded.Bid, won, request.Exchange.ReportsMinToWin ? toBeat : double.NaN);
            }

            if (progress is not null && auctions % 10_000 == 0)
            {
                progress(auctions);
            }
        }

        // In name order, so sums add up in the same order every run.
        var ordered = tallies.OrderBy(p => p.Key, StringComparer.Ordinal).ToList();
        var byExchange = ordered.SelectMany(p => Rows(p.Value, p.Key)).ToList();
        return new ShadingSimulationResult
        {
            Policies = Rows(Sum(ordered.Select(p => p.Value)), null),
            ByExchange = byExchange,
            Auctions = auctions,
            SecondPriceSkipped = secondPrice,
            WithoutCreative = withoutCreative,
            SimulatedTime = last - (first ?? last),
            ModelBids = modelBids,
            FallbackBids = fallbackBids,
            ExploredBids = explored,
            WinLogLoss = learner.Validation.LogLoss,
            Model = learner.ToModel(new WinRateModelInfo
            {
                CreatedUtc = last,
                FromUtc = first,
                ToUtc = last,
                Notes = $"shading-sim seed {o.Seed}",
            }),
        };
    }

    private static Tally[] Sum(IEnumerable<Tally[]> rows)
    {
        Tally[] total = [new Tally(), new Tally(), new Tally()];
        foreach (var row in rows)
        {
            for (var i = 0; i < total.Length; i++)
            {
                total[i].Merge(row[i]);
            }
        }

        return total;
    }

    private static List<ShadingPolicyResult> Rows(Tally[] row, string? exchange)
    {
        var oracle = row[2].ValueWon - row[2].Spend;
        return [row[0].Result(Fixed, exchange, oracle), row[1].Result(Learned, exchange, oracle), row[2].Result(Oracle, exchange, oracle)];
    }

    /// <summary>One policy's running figures (CPM sums; a thousand impressions make one CPM).</summary>
    private sealed class Tally
    {
        private long _auctions;
        private long _bids;
        private long _wins;

        public double Spend { get; private set; }

        public double ValueWon { get; private set; }

        /// <summary>Counts one auction bid at <paramref name="bid"/> (0: no bid) against <paramref name="toBeat"/>; whether it won.</summary>
        public bool Add(double bid, double value, double toBeat)
        {
            _auctions++;
            if (!(bid > 0))
            {
                return false;
            }

            _bids++;
            // The floor is in the price to beat: a bid at least that high wins (first price: it pays its bid).
            if (bid < toBeat)
            {
                return false;
            }

            _wins++;
            Spend += bid / 1000;
            ValueWon += value / 1000;
            return true;
        }

        public void Merge(Tally other)
        {
            _auctions += other._auctions;
            _bids += other._bids;
            _wins += other._wins;
            Spend += other.Spend;
            ValueWon += other.ValueWon;
        }

        public ShadingPolicyResult Result(string policy, string? exchange, double oracleSurplus) => new()
        {
            Policy = policy,
            Exchange = exchange,
            Auctions = _auctions,
            Bids = _bids,
            Wins = _wins,
            SpendUsd = Spend,
            ValueWonUsd = ValueWon,
            ShareOfOracle = oracleSurplus > 0 ? (ValueWon - Spend) / oracleSurplus : double.NaN,
        };
    }
}
