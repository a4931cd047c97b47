using Microsoft.Extensions.Logging.Abstractions;

namespace Sharpgres.Telemetry.Tests;

/// <summary>
/// With nobody listening the hooks allocate nothing. Runs in its own class with no fixture, after the fixtures of the
/// other classes are gone (tests don't run in parallel here); it checks that precondition first.
/// </summary>
public sealed class NoCostTests
{
    [Fact]
    public void An_unobserved_operation_allocates_nothing_for_telemetry()
    {
        var saved = Pg.LoggerFactory;
        Pg.LoggerFactory = NullLoggerFactory.Instance;
        try
        {
            Assert.False(SharpgresTelemetry.Source.HasListeners() || SharpgresTelemetry.OperationDuration.Enabled,
                "a listener of another test class is still attached");
            using var conn = Pg.Connect(TelemetryFixture.Admin, autocommit: true);
            var cur = conn.Cursor();
            for (var i = 0; i < 50; i++) cur.Execute("SELECT %s::int", i);   // warm caches, JIT tiering
            var before = GC.GetAllocatedBytesForCurrentThread();
            for (var i = 0; i < 1000; i++)
            {
                var op = OperationScope.Start(conn, PgOperationKind.Execute, "SELECT $1::int");
                op.SetRows(1, returned: true);
                op.Dispose();
            }
            Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        }
        finally { Pg.LoggerFactory = saved; }
    }
}
