namespace Sharpgres.Benchmarks;

/// <summary>
/// copy_in_1M / copy_out_1M: pending until <c>cur.Copy(...)</c> lands on main; the report lists them as pending
/// while this says so.
/// </summary>
public static class CopyBenchmarks
{
    public static bool Available => typeof(Cursor).GetMethod("Copy") is not null;
}
