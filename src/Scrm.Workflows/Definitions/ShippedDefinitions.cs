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
    public static async Task ImportShippedWorkflowsAsync(this IServiceProvider services, string folder, CancellationToken cancellationToken = default)
    {
        if (!Directory.Exists(folder))
        {
            return;
        }

        var store = services.GetRequiredService<DefinitionStore>();
        var log = services.GetRequiredService<ILoggerFactory>().CreateLogger("Scrm.Workflows.Shipped");
        foreach (var file in Directory.EnumerateFiles(folder, "*.json").Order(StringComparer.Ordinal))
        {
            var parsed = DefinitionJson.Parse(await File.ReadAllBytesAsync(file, cancellationToken), 1024 * 1024);
            if (parsed.Definition is not { } definition)
            {
                throw new InvalidOperationException($"The shipped workflow {Path.GetFileName(file)} is not valid: {parsed.Error}");
            }

            if (definition.Id.StartsWith("example-", StringComparison.Ordinal) || await store.GetAsync(definition.Id, cancellationToken) is not null)
            {
                continue;
            }

            var created = await store.CreateAsync(definition, cancellationToken);
            if (created.Outcome != SaveOutcome.Saved)
            {
                throw new InvalidOperationException($"The shipped workflow {definition.Id} was refused: {string.Join("; ", created.Errors.Select(e => e.ToString()))} {created.Message}");
            }

            var published = await store.PublishAsync(definition.Id, cancellationToken);
            if (published.Outcome != PublishOutcome.Published)
            {
                throw new InvalidOperationException($"The shipped workflow {definition.Id} could not be published ({published.Outcome}).");
            }

            LogImported(log, definition.Id);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Shipped workflow {Id} created and published")]
    private static partial void LogImported(ILogger logger, string id);
}
