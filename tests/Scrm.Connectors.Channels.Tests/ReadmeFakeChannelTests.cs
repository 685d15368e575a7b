using System.Diagnostics;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using Scrm.FakeChannels;
using Scrm.Ingestion;
using Scrm.Ingestion.Journal;
using Scrm.Testing;

namespace Scrm.Connectors.Channels.Tests;

/// <summary>
/// The README's "Try the connectors without accounts" section, executed as written: Scrm gets the
/// settings its <c>export</c> lines set (nothing else about the demo accounts), the fake server posts to
/// it, and each <c>curl</c> line is taken from the README's text and run by curl itself against the fake server.
/// </summary>
public sealed partial class ReadmeFakeChannelTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Every_fake_channel_example_in_the_readme_is_stored_by_scrm_as_the_customer_sent_it()
    {
        var readme = await File.ReadAllTextAsync(Path.Combine(Repo.Root, "README.md"), Ct);
        var section = readme[readme.IndexOf("## Try the connectors without accounts", StringComparison.Ordinal)..];
        section = section[..section.IndexOf("\n## ", 3, StringComparison.Ordinal)];
        var lines = CodeBlock().Matches(section).SelectMany(b => b.Groups["code"].Value.Replace("\\\n", " ", StringComparison.Ordinal).Split('\n'))
            .Select(l => l.Trim()).ToList();
        var settings = lines.Where(l => l.StartsWith("export ", StringComparison.Ordinal))
            .SelectMany(l => Setting().Matches(l))
            .ToDictionary(m => m.Groups["key"].Value.Replace("__", ":", StringComparison.Ordinal), m => (string?)m.Groups["value"].Value);
        var commands = lines.Where(l => l.StartsWith("curl ", StringComparison.Ordinal)).ToList();
        settings.Keys.ShouldContain("Scrm:Connectors:WeCom:Accounts:demo:EncodingAesKey");
        commands.Count.ShouldBe(3);

        await using var scrm = new ScrmApp(settings: settings);
        await using var fake = await FakeChannelServer.StartAsync(scrm: scrm.BaseAddress, cancellationToken: Ct);
        var journal = scrm.Services.GetRequiredService<JournalReader>();
        var before = await journal.LastPositionAsync(Ct);

        foreach (var command in commands)
        {
            var answer = JsonDocument.Parse(await CurlAsync(command.Replace("127.0.0.1:5090", fake.BaseAddress.Authority, StringComparison.Ordinal))).RootElement;
            (answer.GetProperty("status").GetInt32(), answer.GetProperty("answer").GetString()).ShouldBe((200, "success"), command);
        }

        var stored = await journal.ReadAsync(before, 100, Ct);
        stored.Select(e => (e.Kind, e.Channel, e.Account)).ShouldBe(
        [
            (InboundKind.Message, "wechat", "demo"),
            (InboundKind.ContactEvent, "wechat", "demo"),
            (InboundKind.ContactEvent, "wecom", "demo"),
        ]);
        stored[0].Payload.ShouldContain("你好，请问企业版怎么收费？");
        stored[1].Payload.ShouldContain("spring_expo_2026");
        stored[2].Payload.ShouldContain("wmDemoCustomer1");
    }

    /// <summary>Runs the line with bash, as a reader would paste it, and answers what it printed.</summary>
    private static async Task<string> CurlAsync(string command)
    {
        var start = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add(command + " --fail-with-body");
        using var process = Process.Start(start)!;
        var output = await process.StandardOutput.ReadToEndAsync(Ct);
        await process.WaitForExitAsync(Ct);
        process.ExitCode.ShouldBe(0, $"{command}: {output} {await process.StandardError.ReadToEndAsync(Ct)}");
        return output;
    }

    [GeneratedRegex(@"```sh\n(?<code>.*?)```", RegexOptions.Singleline)]
    private static partial Regex CodeBlock();

    [GeneratedRegex(@"(?<key>Scrm__[A-Za-z0-9_]+)=(?<value>\S+)")]
    private static partial Regex Setting();
}
