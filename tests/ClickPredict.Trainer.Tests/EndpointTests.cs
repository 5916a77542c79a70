using System.Net;
using System.Net.Http.Json;

namespace ClickPredict.Trainer.Tests;

/// <summary>The service defaults on the real trainer over Kestrel: liveness, readiness, Prometheus metrics, status.</summary>
[Collection(KafkaCollection.Name)]
public class EndpointTests
{
    [Fact]
    public async Task Endpoints_RunningTrainer_ServeHealthReadinessMetricsAndStatus()
    {
        using var directory = TestSupport.Directory();
        using var cluster = TestSupport.Cluster();
        using var producer = TestSupport.Producer(cluster.BootstrapServers);
        var auctions = SimAuctions.Make(300, seed: 5);
        var settings = TrainerHost.Defaults(cluster, directory.Path);
        settings["Trainer:Learner:HoldoutExamples"] = "50";
        await using var trainer = await TrainerHost.StartAsync(settings);
        using var http = new HttpClient { BaseAddress = trainer.BaseAddress };
        auctions.Produce(producer, 0, 300);
        Assert.True(await TestSupport.Eventually(() => trainer.Status.ExamplesConsumed >= auctions.Expected.Count));

        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync(new Uri("/healthz", UriKind.Relative))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync(new Uri("/readyz", UriKind.Relative))).StatusCode);
        var metrics = await http.GetStringAsync(new Uri("/metrics", UriKind.Relative));
        Assert.Contains("clickpredict_trainer_joiner_events", metrics, StringComparison.Ordinal);
        Assert.Contains("clickpredict_trainer_joiner_examples", metrics, StringComparison.Ordinal);
        Assert.Contains("clickpredict_trainer_learner_examples", metrics, StringComparison.Ordinal);
        var status = await http.GetFromJsonAsync<Dictionary<string, System.Text.Json.JsonElement>>(new Uri("/status", UriKind.Relative));
        Assert.Equal(auctions.Expected.Count, status!["examplesEmitted"].GetInt64());
        Assert.True(status["joinerRunning"].GetBoolean());
    }
}
