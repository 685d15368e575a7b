using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Npgsql;
using Xunit;

namespace Scrm.Testing;

/// <summary>
/// A throwaway local PostgreSQL for one test assembly: <c>initdb</c> into a temp folder, started
/// with <c>pg_ctl</c> on a free loopback port, stopped and deleted at the end. Without the server
/// binaries the PostgreSQL tests are skipped with the reason, unless <c>SCRM_REQUIRE_POSTGRES=1</c>,
/// which turns a missing server into a failure.
/// </summary>
public sealed class PostgresServer : IAsyncLifetime
{
    private static int _databases;
    private string? _directory;
    private string? _binaries;
    private bool _asPostgresUser;

    public static bool Required => Environment.GetEnvironmentVariable("SCRM_REQUIRE_POSTGRES") == "1";

    public int Port { get; private set; }

    public string? Unavailable { get; private set; }

    public async ValueTask InitializeAsync()
    {
        _binaries = FindBinaries();
        if (_binaries is null)
        {
            Unavailable = "PostgreSQL server binaries (initdb, pg_ctl) were not found; install Debian's postgresql package or run .ci/run.";
            if (Required)
            {
                throw new InvalidOperationException(Unavailable + " SCRM_REQUIRE_POSTGRES=1 makes this a failure.");
            }

            return;
        }

        _asPostgresUser = Environment.UserName == "root";
        _directory = Path.Combine(Path.GetTempPath(), $"scrm-pg-{Guid.NewGuid():N}");
        Directory.CreateDirectory(_directory);
        if (_asPostgresUser)
        {
            await RunAsync("chown", ["postgres:postgres", _directory], asPostgres: false);
        }

        Port = FreePort();
        var data = Path.Combine(_directory, "data");
        await RunAsync(Path.Combine(_binaries, "initdb"), ["-D", data, "-U", "scrm", "--auth=trust", "-E", "UTF8", "--no-sync", "--locale=C"], _asPostgresUser);
        await RunAsync(Path.Combine(_binaries, "pg_ctl"),
        [
            "-D", data, "-l", Path.Combine(_directory, "server.log"), "-w", "-t", "60", "start",
            "-o", $"-p {Port} -k {_directory} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300",
        ], _asPostgresUser);
    }

    /// <summary>A new empty database; each test class gets its own.</summary>
    public async Task<string> CreateDatabaseAsync()
    {
        if (Unavailable is not null)
        {
            Assert.Skip(Unavailable);
        }

        var name = $"scrm_{Environment.ProcessId}_{Interlocked.Increment(ref _databases)}";
        await using (var connection = new NpgsqlConnection(ConnectionString("postgres")))
        {
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand($"CREATE DATABASE {name}", connection);
            await command.ExecuteNonQueryAsync();
        }

        return ConnectionString(name);
    }

    public string ConnectionString(string database) =>
        $"Host=127.0.0.1;Port={Port};Username=scrm;Database={database};Pooling=true;Maximum Pool Size=50;Timeout=30";

    public async ValueTask DisposeAsync()
    {
        if (_directory is null || _binaries is null)
        {
            return;
        }

        try
        {
            await RunAsync(Path.Combine(_binaries, "pg_ctl"), ["-D", Path.Combine(_directory, "data"), "-m", "immediate", "-w", "stop"], _asPostgresUser);
        }
        finally
        {
            try
            {
                Directory.Delete(_directory, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }

    private static string? FindBinaries()
    {
        const string debian = "/usr/lib/postgresql";
        if (Directory.Exists(debian))
        {
            var newest = Directory.GetDirectories(debian)
                .Select(d => Path.Combine(d, "bin"))
                .Where(b => File.Exists(Path.Combine(b, "initdb")) && File.Exists(Path.Combine(b, "pg_ctl")))
                .OrderByDescending(b => int.TryParse(Path.GetFileName(Path.GetDirectoryName(b)), out var v) ? v : 0)
                .FirstOrDefault();
            if (newest is not null)
            {
                return newest;
            }
        }

        return (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':')
            .FirstOrDefault(p => p.Length > 0 && File.Exists(Path.Combine(p, "initdb")) && File.Exists(Path.Combine(p, "pg_ctl")));
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private const string CloseInheritedDescriptors =
        "for fd in /proc/$$/fd/*; do fd=${fd##*/}; if [ \"$fd\" -gt 2 ]; then eval \"exec $fd>&-\"; fi; done; exec \"$@\"";

    private static async Task RunAsync(string program, string[] arguments, bool asPostgres)
    {
        // The server outlives pg_ctl: it must not inherit the descriptors the test run got from its
        // parent (a `flock` on a lock file, say), or a server left behind by a killed run would hold
        // that lock for good. bash closes every descriptor above stderr, then runs the program.
        var start = new ProcessStartInfo("bash")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in new[] { "-c", CloseInheritedDescriptors, "pg" })
        {
            start.ArgumentList.Add(a);
        }

        if (asPostgres)
        {
            foreach (var a in new[] { "runuser", "-u", "postgres", "--" })
            {
                start.ArgumentList.Add(a);
            }
        }

        start.ArgumentList.Add(program);
        foreach (var a in arguments)
        {
            start.ArgumentList.Add(a);
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        await process.WaitForExitAsync(timeout.Token);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{program} failed ({process.ExitCode}): {await stderr} {await stdout}");
        }
    }
}
