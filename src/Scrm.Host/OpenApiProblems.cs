using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Scrm.Host;

/// <summary>
/// The OpenAPI document says what the host really answers on errors: problem details. An endpoint
/// that declares an error status without a body (<c>NotFound</c>) is answered by the status-code
/// pages with problem details, and every endpoint behind a policy may answer 401 and 403 the same way.
/// </summary>
internal static class OpenApiProblems
{
    public static void Describe(OpenApiOptions options) => options.AddOperationTransformer(async (operation, context, ct) =>
    {
        operation.Responses ??= [];
        if (context.Description.ActionDescriptor.EndpointMetadata.OfType<IAuthorizeData>().Any()
            && !context.Description.ActionDescriptor.EndpointMetadata.OfType<IAllowAnonymous>().Any())
        {
            operation.Responses.TryAdd("401", new OpenApiResponse { Description = "Unauthorized" });
            operation.Responses.TryAdd("403", new OpenApiResponse { Description = "Forbidden" });
        }

        foreach (var (status, response) in operation.Responses)
        {
            if (status[0] is '4' or '5' && response is OpenApiResponse { Content: null or { Count: 0 } } empty)
            {
                empty.Content = new Dictionary<string, OpenApiMediaType>
                {
                    ["application/problem+json"] = new() { Schema = await context.GetOrCreateSchemaAsync(typeof(ProblemDetails), null, ct) },
                };
            }
        }
    });
}
