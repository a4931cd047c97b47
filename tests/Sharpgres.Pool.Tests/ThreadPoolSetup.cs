using System.Runtime.CompilerServices;

namespace Sharpgres.Pool.Tests;

internal static class ThreadPoolSetup
{
    /// <summary>
    /// Many of these tests block thread-pool threads on purpose (sync callers inside Task.Run, dozens at once, in
    /// parallel test classes); without headroom the pool's own background tasks would wait for the runtime's slow
    /// thread injection, which measures the test host, not the pool.
    /// </summary>
    [ModuleInitializer]
    internal static void Init() => ThreadPool.SetMinThreads(Math.Max(64, Environment.ProcessorCount * 8), 64);
}
