using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using System.Text.RegularExpressions;
using Scrm.Testing;

namespace Scrm.Host.Tests;

/// <summary>
/// The image the Dockerfile builds, without a Docker engine: the build stage's publish command, on
/// the build of the projects this test run already made, with every file that build and publish
/// read from the repository inside what the stage's COPY lines bring in (minus .dockerignore); then
/// the runtime stage's environment, port and HEALTHCHECK, all read from the Dockerfile itself.
/// </summary>
public sealed partial class DockerLayoutTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task The_image_layout_serves_on_its_port_with_the_shipped_workflows_and_refuses_to_start_without_them()
    {
        var dockerfile = await File.ReadAllTextAsync(Path.Combine(Repo.Root, "Dockerfile"), Ct);
        var stages = Regex.Split(dockerfile, @"^FROM ", RegexOptions.Multiline).Skip(1).ToArray();
        stages.Length.ShouldBe(2);
        var ignored = (await File.ReadAllLinesAsync(Path.Combine(Repo.Root, ".dockerignore"), Ct))
            .Select(l => l.Trim().Trim('/').Replace("**/", "", StringComparison.Ordinal)).Where(l => l.Length > 0).ToHashSet(StringComparer.Ordinal);

        var copied = new List<string>();
        foreach (Match copy in CopyLine().Matches(stages[0]))
        {
            var parts = copy.Groups["args"].Value.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            copied.AddRange(parts[..^1].Select(source => source.TrimEnd('/')));
        }

        // The stage's publish command on the projects as this run built them (the same command in
        // the run's configuration, without a second compile), listing what it read and what it took.
        using var root = new TempDirectory("scrm-image");
        var app = Path.Combine(root.Path, "app");
        var publish = RunLine().Match(stages[0]).Groups["command"].Value.Replace(" /app", " " + app, StringComparison.Ordinal)
            .Replace(" -c Release", " -c " + Configuration, StringComparison.Ordinal).Split(' ');
        string[] read = ["DirectoryBuildPropsPath", "DirectoryBuildTargetsPath", "DirectoryPackagesPropsPath"];
        string[] listing = [.. publish[1..], "--no-build", .. read.Select(p => "-getProperty:" + p), "-getItem:ResolvedFileToPublish"];
        var published = await RunAsync(Repo.Root, publish[0], listing, new Dictionary<string, string>(), TimeSpan.FromMinutes(10));
        published.ExitCode.ShouldBe(0, published.Output);
        using var json = JsonDocument.Parse(published.Stdout);
        var properties = json.RootElement.GetProperty("Properties");
        // The props every project imports, and the files every build reads without importing them (SDK choice, analyzer severities).
        var imports = read.Select(p => properties.GetProperty(p).GetString()!).Where(p => p.Length > 0)
            .Concat(new[] { "global.json", ".editorconfig" }.Select(f => Path.Combine(Repo.Root, f)).Where(File.Exists)).ToArray();
        var taken = json.RootElement.GetProperty("Items").GetProperty("ResolvedFileToPublish").EnumerateArray().Select(i => i.GetProperty("FullPath").GetString()!).ToArray();
        imports.ShouldContain(Path.Combine(Repo.Root, "Directory.Packages.props"));
        taken.ShouldContain(Path.Combine(Repo.Root, "workflows", "definitions", "lead-conversion.json"));
        // In the image the build reads only what was copied into it; bin and obj are what it builds there.
        var outside = imports.Concat(taken).Select(f => Path.GetRelativePath(Repo.Root, f).Replace('\\', '/'))
            .Where(f => !f.StartsWith("../", StringComparison.Ordinal) && !Path.IsPathRooted(f) && !InImage(f, copied, ignored)).ToArray();
        outside.ShouldBeEmpty("the image's build would not find these: the Dockerfile's COPY lines (or .dockerignore) leave them out");

        var environment = Environment(stages[1]);
        var port = FreePort();
        environment["ASPNETCORE_URLS"].ShouldContain(":" + ExposedPort().Match(stages[1]).Groups["port"].Value);
        // The image's own value, on a port free on this shared machine.
        environment["ASPNETCORE_URLS"] = Regex.Replace(environment["ASPNETCORE_URLS"], @":\d+", ":" + port);
        using var data = new TempDirectory("scrm-image-data");
        environment["Scrm__Storage__DataDirectory"].ShouldBe("/data");
        environment["Scrm__Storage__DataDirectory"] = data.Path;
        environment["Scrm__Auth__ApiKeys__0__Key"] = ScrmApp.KeyFor("admin");
        environment["Scrm__Auth__ApiKeys__0__Role"] = "admin";

        var entry = JsonSerializer.Deserialize<string[]>(EntryPoint().Match(stages[1]).Groups["json"].Value)!;
        using (var host = Start(app, entry, environment))
        {
            using var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(10) };
            await WaitReadyAsync(client, host.Process);
            var posted = await client.PostAsync("/forms/contact", new FormUrlEncodedContent(new Dictionary<string, string> { ["email"] = "docker@example.com" }), Ct);
            posted.StatusCode.ShouldBe(HttpStatusCode.Accepted, host.Output);
            client.DefaultRequestHeaders.Add("X-Api-Key", ScrmApp.KeyFor("admin"));
            (await client.GetAsync("/api/v1/workflows/definitions/lead-conversion", Ct)).StatusCode.ShouldBe(HttpStatusCode.OK);

            var healthcheck = JsonSerializer.Deserialize<string[]>(HealthCheck().Match(stages[1]).Groups["json"].Value)!;
            (await RunAsync(app, healthcheck[0], healthcheck[1..], environment, TimeSpan.FromSeconds(30))).ExitCode.ShouldBe(0);
            host.Process.Kill(entireProcessTree: true);
            await host.Process.WaitForExitAsync(Ct);
            (await RunAsync(app, healthcheck[0], healthcheck[1..], environment, TimeSpan.FromSeconds(30))).ExitCode.ShouldBe(1);
        }

        // An image without its workflows must not serve leads into nowhere: the host refuses to start.
        Directory.Delete(Path.Combine(app, "workflows"), recursive: true);
        using var empty = new TempDirectory("scrm-image-data");
        environment["Scrm__Storage__DataDirectory"] = empty.Path;
        var refused = await RunAsync(app, entry[0], entry[1..], environment, TimeSpan.FromMinutes(2));
        refused.ExitCode.ShouldNotBe(0);
        refused.Output.ShouldContain("lead-conversion");
    }

    /// <summary>The configuration this test run was built in (tests run from bin/&lt;Configuration&gt;/net10.0/).</summary>
    private static string Configuration => new DirectoryInfo(Path.TrimEndingDirectorySeparator(AppContext.BaseDirectory)).Parent!.Name;

    /// <summary>
    /// Whether the image's build stage has the repository file <paramref name="path"/>: under a copied
    /// source, in no folder .dockerignore leaves out, unless it is a bin or obj folder the build makes.
    /// </summary>
    private static bool InImage(string path, IReadOnlyList<string> copied, IReadOnlySet<string> ignored)
    {
        var segments = path.Split('/');
        var made = Array.FindIndex(segments, s => s is "bin" or "obj");
        var source = made < 0 ? segments : segments[..made];
        return copied.Any(c => path == c || path.StartsWith(c + "/", StringComparison.Ordinal)) && !source.Any(ignored.Contains);
    }

    private static Dictionary<string, string> Environment(string stage)
    {
        var joined = stage.Replace("\\\n", " ", StringComparison.Ordinal);
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (Match line in EnvLine().Matches(joined))
        {
            foreach (Match pair in Pair().Matches(line.Groups["pairs"].Value))
            {
                result[pair.Groups["key"].Value] = pair.Groups["value"].Value;
            }
        }

        return result;
    }

    private sealed record Started(Process Process) : IDisposable
    {
        private readonly System.Text.StringBuilder _output = new();

        /// <summary>What the host wrote so far (for a failure message).</summary>
        public string Output
        {
            get
            {
                lock (_output)
                {
                    return _output.ToString();
                }
            }
        }

        public void Append(string? line)
        {
            lock (_output)
            {
                _output.AppendLine(line);
            }
        }

        public void Dispose()
        {
            if (!Process.HasExited)
            {
                Process.Kill(entireProcessTree: true);
                Process.WaitForExit();
            }

            Process.Dispose();
        }
    }

    private static Started Start(string directory, string[] command, IReadOnlyDictionary<string, string> environment)
    {
        var start = new ProcessStartInfo(command[0]) { WorkingDirectory = directory, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in command[1..])
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }

        var process = Process.Start(start)!;
        var started = new Started(process);
        process.OutputDataReceived += (_, e) => started.Append(e.Data);
        process.ErrorDataReceived += (_, e) => started.Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return started;
    }

    private static async Task<(int ExitCode, string Output, string Stdout)> RunAsync(string directory, string program, string[] arguments, IReadOnlyDictionary<string, string> environment, TimeSpan timeout)
    {
        var start = new ProcessStartInfo(program) { WorkingDirectory = directory, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync(Ct);
        var stderr = process.StandardError.ReadToEndAsync(Ct);
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        limit.CancelAfter(timeout);
        try
        {
            await process.WaitForExitAsync(limit.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        return (process.ExitCode, await stdout + await stderr, await stdout);
    }

    private static async Task WaitReadyAsync(HttpClient client, Process process)
    {
        for (var deadline = DateTime.UtcNow.AddSeconds(90); DateTime.UtcNow < deadline; await Task.Delay(200, Ct))
        {
            process.HasExited.ShouldBeFalse("the host exited before it was ready");
            try
            {
                if ((await client.GetAsync("/health/ready", Ct)).StatusCode == HttpStatusCode.OK)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
            }
        }

        throw new TimeoutException("The image layout did not become ready.");
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    [GeneratedRegex(@"^COPY (?!--from)(?<args>.+)$", RegexOptions.Multiline)]
    private static partial Regex CopyLine();

    [GeneratedRegex(@"^RUN (?<command>dotnet publish .+)$", RegexOptions.Multiline)]
    private static partial Regex RunLine();

    [GeneratedRegex(@"^ENV (?<pairs>.+)$", RegexOptions.Multiline)]
    private static partial Regex EnvLine();

    [GeneratedRegex(@"(?<key>[A-Za-z_][A-Za-z0-9_]*)=(?<value>\S+)")]
    private static partial Regex Pair();

    [GeneratedRegex(@"^EXPOSE (?<port>\d+)", RegexOptions.Multiline)]
    private static partial Regex ExposedPort();

    [GeneratedRegex(@"^HEALTHCHECK .*CMD (?<json>\[.+\])$", RegexOptions.Multiline)]
    private static partial Regex HealthCheck();

    [GeneratedRegex(@"^ENTRYPOINT (?<json>\[.+\])$", RegexOptions.Multiline)]
    private static partial Regex EntryPoint();
}
