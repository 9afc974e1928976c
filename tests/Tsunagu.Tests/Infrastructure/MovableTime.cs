namespace Tsunagu.Tests.Infrastructure;

/// <summary>A clock the test moves forward, for session lifetimes and lockouts.</summary>
public sealed class MovableTime(DateTimeOffset start) : TimeProvider
{
    DateTimeOffset now = start;

    public override DateTimeOffset GetUtcNow() => now.ToUniversalTime();

    public void Advance(TimeSpan by) => now += by;
}
