using Dapper;

namespace Sharpgres.Data.Tests;

/// <summary>
/// Tests that measure the process's managed heap: they run alone (no other class in parallel), so what another test
/// allocates at the same moment can't be counted against them, and their own big values can't disturb others.
/// </summary>
[CollectionDefinition(nameof(MemoryBound), DisableParallelization = true)]
public sealed class MemoryBound;

/// <summary>Dapper's buffered: false over a data reader that doesn't keep rows.</summary>
[Collection(nameof(MemoryBound))]
public sealed class DapperStreamingTests(AdoFixture db) : IClassFixture<AdoFixture>
{
    [Fact]
    public void Unbuffered_queries_stream_in_constant_memory()
    {
        using var c = db.Open();
        var rows = 0L;
        long? early = null;
        foreach (var f in c.Query<Fortune>("SELECT i AS id, repeat('x', 100) AS message FROM generate_series(1, 150000) i", buffered: false))
        {
            rows++;
            if (rows == 20000) early = GC.GetTotalMemory(forceFullCollection: true);
            if (rows == 140000)
            {
                var late = GC.GetTotalMemory(forceFullCollection: true);
                // 120,000 more rows of ~130 bytes went by: buffered they would be 15 MB more; streamed, nothing accumulates.
                Assert.True(late - early!.Value < 8_000_000, $"managed heap grew by {late - early.Value} bytes while streaming");
            }
        }
        Assert.Equal(150000, rows);
    }
}
