namespace Scrm.Testing;

/// <summary>Where the repository and the shared fixtures are, wherever the tests run from.</summary>
public static class Repo
{
    public static string Root { get; } = FindRoot();

    /// <summary>
    /// The shared fixtures: <c>SCRM_SHARED_DIR</c>, else the <c>shared/</c> folder beside the
    /// repository (the source of truth), else the copy kept in <c>tests/shared</c>.
    /// </summary>
    public static string Shared { get; } = FindShared();

    public static string Fixture(params string[] parts) => Path.Combine([Shared, "fixtures", .. parts]);

    /// <summary>The Elasticsearch REST contract kit (<c>api/</c>, <c>examples/</c>, <c>schemas/</c>).</summary>
    public static string Elasticsearch(params string[] parts) => Path.Combine([Shared, "elasticsearch", .. parts]);

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Scrm.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("Scrm.sln was not found above " + AppContext.BaseDirectory);
    }

    private static string FindShared()
    {
        var candidates = new[]
        {
            Environment.GetEnvironmentVariable("SCRM_SHARED_DIR"),
            Path.Combine(Root, "..", "shared"),
            Path.Combine(Root, "tests", "shared"),
        };
        return candidates.Where(c => !string.IsNullOrEmpty(c) && Directory.Exists(Path.Combine(c!, "fixtures")))
            .Select(c => Path.GetFullPath(c!))
            .FirstOrDefault() ?? throw new InvalidOperationException("No shared fixtures folder was found.");
    }
}

/// <summary>A folder under the system temp directory, deleted on dispose.</summary>
public sealed class TempDirectory : IDisposable
{
    public TempDirectory(string prefix = "scrm-test")
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"{prefix}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(Path);
    }

    /// <summary>
    /// Adopts an existing folder (a host's data handed to the next host after a restart, or a folder
    /// on another file system): created if missing, deleted on dispose unless <paramref name="keep"/>.
    /// </summary>
    public TempDirectory(DirectoryInfo existing, bool keep = false)
    {
        existing.Create();
        Path = existing.FullName;
        Keep = keep;
    }

    public string Path { get; }

    /// <summary>Dispose leaves the folder in place.</summary>
    public bool Keep { get; }

    public void Dispose()
    {
        if (Keep)
        {
            return;
        }

        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
