using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Tsunagu.Tests.Infrastructure;
using Tsunagu.Tests.Web;

namespace Tsunagu.Tests.Access;

public class EndpointPolicyTests
{
    /// <summary>
    /// Every page and API endpoint the application maps says who may use it: an authorization requirement of its own
    /// (a role policy, or signed in), or — for the few that must open before signing in — that it is anonymous. None
    /// rests on the fallback alone, so a new endpoint without a decision fails here.
    /// </summary>
    [Fact]
    public async Task EveryEndpoint_HasAnAuthorizationPolicy_OrIsOneOfTheFewOpenOnes()
    {
        await using var database = await TestDatabase.CreateAsync(DatabaseKind.Sqlite, migrate: false);
        await using var factory = await TsunaguFactory.StartAsync(database);

        var endpoints = factory.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>().ToList();
        var open = endpoints.Where(e => e.Metadata.GetMetadata<IAllowAnonymous>() is not null).Select(e => "/" + e.RoutePattern.RawText!.TrimStart('/')).Distinct().Order();
        var undecided = endpoints.Where(e => e.Metadata.GetMetadata<IAllowAnonymous>() is null && !e.Metadata.GetOrderedMetadata<IAuthorizeData>().Any())
            .Select(e => $"{string.Join(",", e.Metadata.GetMetadata<Microsoft.AspNetCore.Routing.HttpMethodMetadata>()?.HttpMethods ?? ["*"])} {e.RoutePattern.RawText}");

        Assert.True(endpoints.Count > 40, $"{endpoints.Count} endpoints");
        Assert.Empty(undecided);
        Assert.Equal(["/account/login", "/account/mfa", "/error", "/health"], open);
    }
}
