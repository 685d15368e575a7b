using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Scrm.Workflows.Definitions;

/// <summary>
/// The definitions the product ships (<c>workflows/definitions/*.json</c>) are created and published
/// on first start. After that they are ordinary definitions: what a marketer changed is never
/// overwritten. Files whose id starts with <c>example-</c> are documentation, not shipped.
/// </summary>
public static partial class ShippedDefinitions
{
    /// <summary>The workflows the product cannot work without: form and API leads go nowhere unless <c>lead-conversion</c> exists.</summary>
    public static readonly IReadOnlyList<string> Required = ["lead-conversion"];

    /// <summary>
    /// Imports the folder's definitions, then refuses to start (throws) when a <see cref="Required"/>
    /// workflow is neither in the store nor in the folder: a host without its shipped definitions
    /// would accept leads and silently route none of them.
    /// </summary>
    public static async Task ImportShippedWorkflowsAsync(this IServiceProvider services, string folder, CancellationToken cancellationToken = default)
    {
        var store = services.GetRequiredService<DefinitionStore>();
        var log = services.GetRequiredService<ILoggerFactory>().CreateLogger("Scrm.Workflows.Shipped");
        var files = Directory.Exists(folder) ? Directory.EnumerateFiles(folder, "*.json").Order(StringComparer.Ordinal).ToList() : [];
        if (files.Count == 0)
        {
            LogNoFolder(log, folder);
        }

        await ImportAsync(store, log, files, cancellationToken);
        foreach (var id in Required)
        {
            if (await store.GetAsync(id, cancellationToken) is null)
            {
                throw new InvalidOperationException(
                    $"The shipped workflow '{id}' is missing: {Path.Combine(folder, id + ".json")} does not exist and no such workflow is stored. " +
                    "Without it no lead is ever created or routed. Put the repository's workflows/definitions folder beside the host (the Docker image copies it).");
            }
        }
    }

    private static async Task ImportAsync(DefinitionStore store, ILogger log, IReadOnlyList<string> files, CancellationToken cancellationToken)
    {
        foreach (var file in files)
        {
            var parsed = DefinitionJson.Parse(await File.ReadAllBytesAsync(file, cancellationToken), 1024 * 1024);
            if (parsed.Definition is not { } definition)
            {
                throw new InvalidOperationException($"The shipped workflow {Path.GetFileName(file)} is not valid: {parsed.Error?.English}");
            }

            if (definition.Id.StartsWith("example-", StringComparison.Ordinal) || await store.GetAsync(definition.Id, cancellationToken) is not null)
            {
                continue;
            }

            var created = await store.CreateAsync(definition, cancellationToken);
            if (created.Outcome != SaveOutcome.Saved)
            {
                throw new InvalidOperationException($"The shipped workflow {definition.Id} was refused: {created.Outcome} {string.Join("; ", created.Errors.Select(e => e.ToString()))}");
            }

            var published = await store.PublishAsync(definition.Id, cancellationToken);
            if (published.Outcome != PublishOutcome.Published)
            {
                throw new InvalidOperationException($"The shipped workflow {definition.Id} could not be published ({published.Outcome}).");
            }

            LogImported(log, definition.Id);
        }
    }

    [LoggerMessage(Level = LogLevel.Critical, Message = "No shipped workflow definitions were found in {Folder}: the host serves only what is already stored")]
    private static partial void LogNoFolder(ILogger logger, string folder);

    [LoggerMessage(Level = LogLevel.Information, Message = "Shipped workflow {Id} created and published")]
    private static partial void LogImported(ILogger logger, string id);
}
