using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Scrm.Testing;

namespace Scrm.Access.Tests;

public sealed class EndpointPolicyTests
{
    /// <summary>
    /// Every endpoint the host maps says who may call it: a named policy, or an explicit
    /// allow-anonymous (webhooks, forms, health, sign-in). A new endpoint without either fails here
    /// instead of silently inheriting whatever the fallback is.
    /// </summary>
    [Fact]
    public async Task Every_endpoint_the_host_maps_names_its_policy_or_allows_anonymous_explicitly()
    {
        await using var app = new ScrmApp();
        using var _ = app.CreateClient();
        var endpoints = app.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>().ToList();
        endpoints.Count.ShouldBeGreaterThan(50);

        var missing = endpoints
            .Where(e => e.Metadata.GetMetadata<IAllowAnonymous>() is null
                        && !e.Metadata.GetOrderedMetadata<IAuthorizeData>().Any(a => !string.IsNullOrEmpty(a.Policy) || !string.IsNullOrEmpty(a.Roles)))
            .Select(e => $"{string.Join(",", e.Metadata.GetMetadata<Microsoft.AspNetCore.Routing.HttpMethodMetadata>()?.HttpMethods ?? ["*"])} {e.RoutePattern.RawText}")
            .ToList();
        missing.ShouldBeEmpty();

        // And a named policy is one the host knows.
        var policies = app.Services.GetRequiredService<IAuthorizationPolicyProvider>();
        foreach (var name in endpoints.SelectMany(e => e.Metadata.GetOrderedMetadata<IAuthorizeData>()).Select(a => a.Policy).OfType<string>().Distinct())
        {
            (await policies.GetPolicyAsync(name)).ShouldNotBeNull($"policy {name}");
        }
    }
}
