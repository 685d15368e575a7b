using System.Net;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Scrm.Ingestion;
using Scrm.Ingestion.Journal;
using Scrm.Testing;

namespace Scrm.Connectors.Channels.Tests.WeChat;

/// <summary>"success" means stored: a journal that cannot commit within the platform's 5 s is answered 503, never "success".</summary>
public sealed class WeChatBudgetTests
{
    [Fact]
    public async Task A_journal_that_does_not_commit_within_the_budget_gets_503_and_no_success()
    {
        var ct = TestContext.Current.CancellationToken;
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var journal = new StalledJournal();
        await using var app = new ScrmApp(settings: WeChatDeliveries.Account("brand", safeMode: true), services: s =>
        {
            s.AddSingleton<TimeProvider>(time);
            s.AddSingleton<IJournal>(journal);
        });
        var delivery = WeChatDeliveries.Safe(WeChatDeliveries.Text(1, time.GetUtcNow(), "你好"), time.GetUtcNow().ToUnixTimeSeconds());
        using var client = app.CreateClient();

        var posting = client.PostAsync("/connectors/wechat/brand" + delivery.Query, new StringContent(delivery.Body, Encoding.UTF8, "text/xml"), ct);
        await journal.Called.Task.WaitAsync(TimeSpan.FromSeconds(10), ct);
        time.Advance(TimeSpan.FromSeconds(5));
        var response = await posting;

        response.StatusCode.ShouldBe(HttpStatusCode.ServiceUnavailable);
        (await response.Content.ReadAsStringAsync(ct)).ShouldNotContain("success");
    }

    private sealed class StalledJournal : IJournal
    {
        public TaskCompletionSource Called { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public async Task<IReadOnlyList<AppendResult>> AppendAsync(IReadOnlyList<InboundItem> items, CancellationToken cancellationToken)
        {
            Called.TrySetResult();
            await Task.Delay(Timeout.Infinite, cancellationToken);
            return [];
        }
    }
}
