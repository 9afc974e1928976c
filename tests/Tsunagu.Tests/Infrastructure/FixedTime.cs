namespace Tsunagu.Tests.Infrastructure;

/// <summary>A clock stopped at a given moment, for tests of fiscal-year and school-grade rules.</summary>
public sealed class FixedTime(DateTimeOffset now) : TimeProvider
{
    public override DateTimeOffset GetUtcNow() => now.ToUniversalTime();
}
