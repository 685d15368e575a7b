using System.Diagnostics;
using System.Text.Json;
using System.Text.RegularExpressions;
using Scrm.Testing;

namespace Scrm.Host.Tests;

/// <summary>
/// The README's "Run it" examples, executed as written: the curl lines are taken from the README's
/// text (continuations joined), pointed at a host started the README's way (the built host, no key
/// configured, so it prints its generated admin key as <c>$KEY</c>) and run by curl itself.
/// </summary>
public sealed partial class ReadmeTests
{
    [Fact]
    public async Task Every_curl_example_in_the_readme_answers_success_with_a_body()
    {
        var ct = TestContext.Current.CancellationToken;
        var readme = await File.ReadAllTextAsync(Path.Combine(Repo.Root, "README.md"), ct);
        var run = readme[readme.IndexOf("## Run it", StringComparison.Ordinal)..];
        run = run[..run.IndexOf("\n## ", 3, StringComparison.Ordinal)];
        var commands = CodeBlock().Matches(run).SelectMany(b => b.Groups["code"].Value.Replace("\\\n", " ", StringComparison.Ordinal).Split('\n'))
            .Select(l => l.Trim()).Where(l => l.StartsWith("curl ", StringComparison.Ordinal)).ToList();
        commands.Count.ShouldBeGreaterThanOrEqualTo(6);

        using var data = new TempDirectory("scrm-readme");
        await using var host = await ChildHost.StartAsync(StorageUnderTest.Sqlite, data.Path, configureKeys: false);
        var key = GeneratedKey().Match(host.Output).Groups["key"].Value;
        key.ShouldNotBeEmpty("the host prints its generated admin key on a fresh start");

        foreach (var command in commands)
        {
            var (status, body) = await CurlAsync(command.Replace("localhost:5080", host.Address.Authority, StringComparison.Ordinal), key, ct);
            status.ShouldBeInRange(200, 299, $"{command} answered {status}: {body}");
            body.ShouldNotBeNullOrWhiteSpace(command);
            Should.NotThrow(() => JsonDocument.Parse(body), command);
        }
    }

    /// <summary>Runs the line with bash, as a reader would paste it, with <c>$KEY</c> set and the status appended.</summary>
    private static async Task<(int Status, string Body)> CurlAsync(string command, string key, CancellationToken ct)
    {
        var start = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add(command + " -w '\\n%{http_code}'");
        start.Environment["KEY"] = key;
        using var process = Process.Start(start)!;
        var output = await process.StandardOutput.ReadToEndAsync(ct);
        await process.WaitForExitAsync(ct);
        process.ExitCode.ShouldBe(0, $"{command}: {await process.StandardError.ReadToEndAsync(ct)}");
        var cut = output.LastIndexOf('\n');
        return (int.Parse(output[(cut + 1)..], System.Globalization.CultureInfo.InvariantCulture), output[..cut]);
    }

    [GeneratedRegex(@"```sh\n(?<code>.*?)```", RegexOptions.Singleline)]
    private static partial Regex CodeBlock();

    [GeneratedRegex(@"X-Api-Key: (?<key>scrm_[0-9a-f]+)")]
    private static partial Regex GeneratedKey();
}
