using BenchmarkDotNet.Attributes;
using Npgsql;
using NpgsqlTypes;

namespace Sharpgres.Benchmarks;

/// <summary>
/// copy_in_1M (binary and text) and copy_out_1M: the fetch_1M rows through COPY, each driver with its own natural
/// API (Sharpgres: <c>cur.Copy</c> + <c>WriteRow</c> / <c>Read</c>; Npgsql: <c>BeginBinaryImport</c>, a text
/// writer of formatted lines, <c>BeginRawBinaryCopy</c>). Figures are per row.
/// </summary>
public class CopyBenchmarks
{
    public const int Rows = 1_000_000;
    private const string OutSql =
        "COPY (SELECT g, 'name ' || g, g * 1.5::float8, '2020-01-01'::timestamptz + g * interval '1 second' FROM generate_series(1, 1000000) g) TO STDOUT (FORMAT BINARY)";

    public static bool Available => typeof(Cursor).GetMethod("Copy", [typeof(string), typeof(object[])]) is not null;

    private readonly int[] _ids = new int[Rows];
    private readonly string[] _names = new string[Rows];
    private readonly double[] _values = new double[Rows];
    private readonly DateTime[] _times = new DateTime[Rows];
    private Connection _conn = null!;
    private NpgsqlDataSource _dataSource = null!;
    private NpgsqlConnection _npgsql = null!;

    [GlobalSetup]
    public void Setup()
    {
        var start = new DateTime(2020, 1, 1, 0, 0, 0, DateTimeKind.Utc);
        for (var i = 0; i < Rows; i++)
        {
            _ids[i] = i + 1;
            _names[i] = "name " + (i + 1);
            _values[i] = (i + 1) * 1.5;
            _times[i] = start.AddSeconds(i + 1);
        }
        _conn = BenchServer.ConnectSharpgres();
        _dataSource = BenchServer.CreateNpgsqlDataSource();
        _npgsql = _dataSource.OpenConnection();
    }

    [IterationSetup]
    public void Truncate()
    {
        _conn.Execute("TRUNCATE copy_sharpgres");
        _conn.Execute("TRUNCATE copy_npgsql");
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _conn.Dispose();
        _npgsql.Dispose();
        _dataSource.Dispose();
    }

    [Benchmark(OperationsPerInvoke = Rows), Workload("copy_in_1M (binary)", Drivers.Sharpgres, "rows")]
    public long SharpgresInBinary()
    {
        var cur = _conn.Cursor();
        cur.Copy("COPY copy_sharpgres (g, name, value, ts) FROM STDIN (FORMAT BINARY)", copy =>
        {
            copy.SetTypes("int4", "text", "float8", "timestamptz");
            for (var i = 0; i < Rows; i++) copy.WriteRow(_ids[i], _names[i], _values[i], _times[i]);
        });
        return cur.RowCount;
    }

    [Benchmark(OperationsPerInvoke = Rows), Workload("copy_in_1M (binary)", Drivers.Npgsql, "rows")]
    public ulong NpgsqlInBinary()
    {
        using var writer = _npgsql.BeginBinaryImport("COPY copy_npgsql (g, name, value, ts) FROM STDIN (FORMAT BINARY)");
        for (var i = 0; i < Rows; i++)
        {
            writer.StartRow();
            writer.Write(_ids[i], NpgsqlDbType.Integer);
            writer.Write(_names[i], NpgsqlDbType.Text);
            writer.Write(_values[i], NpgsqlDbType.Double);
            writer.Write(_times[i], NpgsqlDbType.TimestampTz);
        }
        return writer.Complete();
    }

    [Benchmark(OperationsPerInvoke = Rows), Workload("copy_in_1M (text)", Drivers.Sharpgres, "rows")]
    public long SharpgresInText()
    {
        var cur = _conn.Cursor();
        cur.Copy("COPY copy_sharpgres (g, name, value, ts) FROM STDIN", copy =>
        {
            for (var i = 0; i < Rows; i++) copy.WriteRow(_ids[i], _names[i], _values[i], _times[i]);
        });
        return cur.RowCount;
    }

    [Benchmark(OperationsPerInvoke = Rows), Workload("copy_in_1M (text)", Drivers.Npgsql, "rows")]
    public int NpgsqlInText()
    {
        // Npgsql's text COPY takes lines the caller formats.
        using var writer = _npgsql.BeginTextImport("COPY copy_npgsql (g, name, value, ts) FROM STDIN");
        var ic = System.Globalization.CultureInfo.InvariantCulture;
        for (var i = 0; i < Rows; i++)
        {
            writer.Write(_ids[i].ToString(ic));
            writer.Write('\t');
            writer.Write(_names[i]);
            writer.Write('\t');
            writer.Write(_values[i].ToString("R", ic));
            writer.Write('\t');
            writer.Write(_times[i].ToString("yyyy-MM-dd HH:mm:ss.ffffff+00", ic));
            writer.Write('\n');
        }
        return Rows;
    }

    [Benchmark(OperationsPerInvoke = Rows), Workload("copy_out_1M", Drivers.Sharpgres, "rows")]
    public long SharpgresOut()
    {
        var cur = _conn.Cursor();
        long bytes = 0;
        using (var copy = cur.Copy(OutSql))
        {
            while (copy.Read() is { Length: > 0 } data) bytes += data.Length;
        }
        return bytes;
    }

    [Benchmark(OperationsPerInvoke = Rows), Workload("copy_out_1M", Drivers.Npgsql, "rows")]
    public long NpgsqlOut()
    {
        using var stream = _npgsql.BeginRawBinaryCopy(OutSql);
        var buffer = new byte[64 * 1024];
        long bytes = 0;
        int n;
        while ((n = stream.Read(buffer, 0, buffer.Length)) > 0) bytes += n;
        return bytes;
    }
}
