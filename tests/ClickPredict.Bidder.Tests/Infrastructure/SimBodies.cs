using System.Text;
using System.Text.Json.Nodes;
using ClickPredict.Core.OpenRtb;
using ClickPredict.Core.Simulation;

namespace ClickPredict.Bidder.Tests.Infrastructure;

/// <summary>Bid request bodies from the traffic simulator (fixed seeds), with a generous tmax so a busy test machine never turns a bid into a late no-bid.</summary>
public static class SimBodies
{
    public const int TestTMax = 10_000;

    public static IReadOnlyList<byte[]> Json(int count, int seed = 1)
    {
        var simulator = new TrafficSimulator(new SimulatorOptions { Seed = seed });
        var bodies = new List<byte[]>(count);
        for (var i = 0; i < count; i++)
        {
            bodies.Add(Edit(simulator.Next().ToJson(), r => r["tmax"] = TestTMax));
        }

        return bodies;
    }

    public static byte[] One(int seed = 1) => Json(1, seed)[0];

    /// <summary>A simulator request changed by <paramref name="edit"/> (on its JSON tree).</summary>
    public static byte[] Edit(byte[] json, Action<JsonObject> edit)
    {
        var node = JsonNode.Parse(json)!.AsObject();
        edit(node);
        return Encoding.UTF8.GetBytes(node.ToJsonString());
    }

    public static byte[] One(Action<JsonObject> edit, int seed = 1) => Edit(One(seed), edit);

    public static byte[] ToMessagePack(byte[] json) => OpenRtbMessagePack.FromJson(json);
}
