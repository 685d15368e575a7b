using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Scrm.Testing;

/// <summary>
/// The built host (<c>src/Scrm.Host/bin/.../Scrm.Host.dll</c>) as a separate process on a loopback
/// port, so a test can kill it hard and start it again on the same data.
/// </summary>
public sealed class ChildHost : IAsyncDisposable
{
    private readonly Process _process;

    private ChildHost(Process process, Uri address)
    {
        _process = process;
        Address = address;
    }

    public Uri Address { get; }

    public int ProcessId => _process.Id;

    public bool HasExited => _process.HasExited;

    /// <summary>Everything the host wrote to stdout and stderr so far.</summary>
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

    private readonly System.Text.StringBuilder _output = new();

    /// <summary>The last lines the host wrote (at most <paramref name="chars"/> characters), for a failure message.</summary>
    public string OutputTail(int chars = 8_000)
    {
        var output = Output;
        return output.Length <= chars ? output : "…" + output[^chars..];
    }

    public static string HostDirectory
    {
        get
        {
            // Tests run from tests/<Project>/bin/<Configuration>/net10.0/.
            var configuration = new DirectoryInfo(Path.TrimEndingDirectorySeparator(AppContext.BaseDirectory)).Parent!.Name;
            return Path.Combine(Repo.Root, "src", "Scrm.Host", "bin", configuration, "net10.0");
        }
    }

    /// <summary>Starts the host and waits until <c>/health/ready</c> answers 200.</summary>
    /// <param name="workingDirectory">Where the process starts (the host's own folder by default); the host must find its settings from anywhere.</param>
    /// <param name="configureKeys">Gives every role a key (<see cref="ScrmApp.KeyFor"/>); without, the host generates its admin key and prints it, as on a fresh machine.</param>
    /// <param name="waitFor">The health endpoint that must answer 200 (<c>/health/live</c> for a replica that is rightly not ready).</param>
    public static async Task<ChildHost> StartAsync(StorageUnderTest storage, string dataDirectory, IReadOnlyDictionary<string, string>? settings = null, string? workingDirectory = null,
        bool configureKeys = true, string waitFor = "/health/ready")
    {
        // The free port is let go before the host binds it; when another process took it meanwhile, start again on another.
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await StartOnceAsync(storage, dataDirectory, settings, workingDirectory, configureKeys, waitFor);
            }
            catch (InvalidOperationException e) when (attempt < 3 && e.Message.Contains("address already in use", StringComparison.Ordinal))
            {
            }
        }
    }

    private static async Task<ChildHost> StartOnceAsync(StorageUnderTest storage, string dataDirectory, IReadOnlyDictionary<string, string>? settings, string? workingDirectory,
        bool configureKeys, string waitFor)
    {
        var port = FreePort();
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = workingDirectory ?? HostDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Path.Combine(HostDirectory, "Scrm.Host.dll"));
        start.ArgumentList.Add("--urls");
        start.ArgumentList.Add($"http://127.0.0.1:{port}");
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Testing";
        start.Environment["Scrm__Storage__Provider"] = storage.Provider;
        start.Environment["Scrm__Storage__DataDirectory"] = dataDirectory;
        if (storage.ConnectionString is not null)
        {
            start.Environment["Scrm__Storage__ConnectionString"] = storage.ConnectionString;
        }

        for (var i = 0; configureKeys && i < ScrmApp.Roles.Length; i++)
        {
            start.Environment[$"Scrm__Auth__ApiKeys__{i}__Key"] = ScrmApp.KeyFor(ScrmApp.Roles[i]);
            start.Environment[$"Scrm__Auth__ApiKeys__{i}__Role"] = ScrmApp.Roles[i];
        }

        foreach (var (key, value) in settings ?? new Dictionary<string, string>())
        {
            start.Environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;
        }

        var process = Process.Start(start)!;
        var host = new ChildHost(process, new Uri($"http://127.0.0.1:{port}"));
        process.OutputDataReceived += (_, e) => host.Append(e.Data);
        process.ErrorDataReceived += (_, e) => host.Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            await host.WaitUntilReadyAsync(waitFor, TimeSpan.FromSeconds(90));
        }
        catch
        {
            await host.DisposeAsync();
            throw;
        }

        return host;
    }

    /// <summary>Waits for the process to end by itself (a crash point); false if it still runs after <paramref name="timeout"/>.</summary>
    public async Task<bool> WaitForExitAsync(TimeSpan timeout)
    {
        using var wait = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(wait.Token);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _output.AppendLine(line);
        }
    }

    /// <summary>A client for the given role's key.</summary>
    public HttpClient ClientFor(string role)
    {
        var client = new HttpClient { BaseAddress = Address, Timeout = TimeSpan.FromSeconds(30) };
        client.DefaultRequestHeaders.Add("X-Api-Key", ScrmApp.KeyFor(role));
        return client;
    }

    /// <summary>SIGKILL to the host and everything it started: no shutdown code runs.</summary>
    public void Kill()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }

        _process.WaitForExit();
    }

    private async Task WaitUntilReadyAsync(string path, TimeSpan timeout)
    {
        using var client = new HttpClient { BaseAddress = Address, Timeout = TimeSpan.FromSeconds(5) };
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"The host exited with code {_process.ExitCode} before it was ready:\n{OutputTail()}");
            }

            try
            {
                if ((await client.GetAsync(path)).StatusCode == HttpStatusCode.OK)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
            }
            catch (TaskCanceledException)
            {
            }

            await Task.Delay(100);
        }

        Kill();
        throw new TimeoutException($"The host did not become ready in {timeout.TotalSeconds:N0} s; it said:\n{OutputTail()}");
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public ValueTask DisposeAsync()
    {
        Kill();
        _process.Dispose();
        return ValueTask.CompletedTask;
    }
}
