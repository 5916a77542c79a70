using System.Diagnostics.Metrics;
using ClickPredict.Benchmarks.Bidder;
using ClickPredict.Bidder.Diagnostics;
using ClickPredict.Bidder.Tests.Infrastructure;
using ClickPredict.Core.Tests;
using Microsoft.Extensions.DependencyInjection;

namespace ClickPredict.Bidder.Tests.Api;

/// <summary>The whole bid handler, built through the bidder's DI registration, in steady state: nothing allocated per request.</summary>
public sealed class BidHandlerAllocationTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Handle_SteadyState_AllocatesNothing_FromParseToResponseWrittenWithEventsBatchedAndMetricsOn(bool firstPriceUnderAWinRateModel)
    {
        var transport = new CapturingTransport(bidPartitions: 4, keep: false);
        // Exploration off under the model: its random moves would make the bid events' lengths, and so the batches'
        // padded lengths, differ from round to round, and a length first seen in the measured round gets its reused
        // array then (once, by the batcher's design). Exploring is arithmetic on the price (BidShader.Explore).
        var settings = new Dictionary<string, string?> { ["Shading:ExplorationShare"] = firstPriceUnderAWinRateModel ? "0" : "0.05" };
        using var bidder = new InProcessBidder(Repo.Root, TestModels.Create(seed: 6), settings, events: transport);
        var bodies = SimBodies.Json(100, seed: 17);
        if (firstPriceUnderAWinRateModel)
        {
            // Every request first price, priced by the surplus maximiser under a loaded model.
            bidder.Services.GetRequiredService<ClickPredict.Bidder.Shading.WinRateHolder>().Swap(Bidding.FirstPriceShadingTests.Model());
            bodies = [.. bodies.Select(b => SimBodies.Edit(b, r => r["at"] = 1))];
        }

        var json = bodies.Select(b => (ReadOnlyMemory<byte>)b).ToArray();
        var msgpack = json.Select(b => (ReadOnlyMemory<byte>)SimBodies.ToMessagePack(b.ToArray())).ToArray();

        // Every instrument of the bidder listened to, as the Prometheus exporter listens in production.
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == BidderMetrics.MeterName)
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((_, _, _, _) => { });
        listener.SetMeasurementEventCallback<double>((_, _, _, _) => { });
        listener.Start();

        var bids = 0;
        var next = 0;
        void Work()
        {
            var i = next++ % json.Length;
            bids += bidder.Post(json[i]) ? 1 : 0;
            bids += bidder.Post(msgpack[i], "application/x-msgpack") ? 1 : 0;
            if (next % 16 == 0)
            {
                // What the event log's timer does every 10 ms: drain the rings into batches and hand them over.
                bidder.Events.Flush();
            }
        }

        var allocated = SteadyState.AllocatedBytes(Work, 400);
        Assert.Equal(0, allocated);
        Assert.True(bids > 400, $"{bids} bids");
        Assert.True(transport.Batches > 0);
    }
}
