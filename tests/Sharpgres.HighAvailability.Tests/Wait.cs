namespace Sharpgres.HighAvailability.Tests;

internal static class Wait
{
    /// <summary>Polls <paramref name="condition"/> until true; bounded (default 30 s, generous for a loaded 2-core box).</summary>
    public static void Until(Func<bool> condition, TimeSpan? timeout = null, string what = "condition")
    {
        var limit = timeout ?? TimeSpan.FromSeconds(30);
        var deadline = DateTime.UtcNow + limit;
        while (!condition())
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"{what} not met within {limit.TotalSeconds:0} s");
            Thread.Sleep(20);
        }
    }
}
