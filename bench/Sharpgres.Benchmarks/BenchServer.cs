using Npgsql;
using Sharpgres.Testing;

namespace Sharpgres.Benchmarks;

/// <summary>
/// The one PostgreSQL server of a run, shared by every benchmark class and both drivers. When
/// <c>SHARPGRES_BENCH_CONNINFO</c> is set (bench/run.sh starts the server once with the <c>server</c> command, so
/// the Python scripts measure against the same cluster) it is used as is; otherwise a TempServer is started on first
/// use and removed at process exit. Tables are UNLOGGED and the server runs with fsync off: the benchmarks measure
/// the drivers, not the disk.
/// </summary>
internal static class BenchServer
{
    public const string ConninfoVariable = "SHARPGRES_BENCH_CONNINFO";
    /// <summary>The server's Unix-socket directory (bench/run.sh passes it with the conninfo).</summary>
    public const string SocketDirectoryVariable = "SHARPGRES_BENCH_SOCKET_DIR";

    private static readonly Lazy<string> LazyConninfo = new(StartOrReuse, LazyThreadSafetyMode.ExecutionAndPublication);
    private static TempServer? _owned;

    /// <summary>A libpq conninfo string (Sharpgres, psycopg).</summary>
    public static string Conninfo => LazyConninfo.Value;

    /// <summary>The server's Unix-socket directory; null when unknown (a server on another machine).</summary>
    public static string? SocketDirectory
    {
        get
        {
            _ = Conninfo;
            if (_owned is not null) return _owned.SocketDirectory;
            return Environment.GetEnvironmentVariable(SocketDirectoryVariable) is { Length: > 0 } d ? d : null;
        }
    }

    /// <summary>The conninfo for the transport: "tcp" (loopback) or "unix" (the socket directory).</summary>
    public static string ConninfoFor(string transport) =>
        transport == "unix" ? Conninfo + $" host={SocketDirectory ?? throw new InvalidOperationException("no Unix socket directory known")}" : Conninfo;

    /// <summary>The postmaster's process id when the server runs on this machine (for its CPU time), else -1.</summary>
    public static int PostmasterPid => LazyPostmaster.Value;

    private static readonly Lazy<int> LazyPostmaster = new(() =>
    {
        using var conn = ConnectSharpgres();
        var backend = conn.Cursor().Execute("SELECT pg_backend_pid()").FetchOne<int>();
        return Interleaved.Meters.ParentOf(backend);
    });

    /// <summary>The same server as an Npgsql connection string, without pooling or preparation options.</summary>
    public static string NpgsqlBase => NpgsqlBaseFor("tcp");

    /// <summary>The Npgsql connection string for the transport ("tcp" or "unix").</summary>
    public static string NpgsqlBaseFor(string transport)
    {
        var info = ConnectionInfo.Parse(Conninfo);
        return new NpgsqlConnectionStringBuilder
        {
            Host = transport == "unix" ? SocketDirectory : info.Host,
            Port = int.Parse(info.Port ?? "5432", System.Globalization.CultureInfo.InvariantCulture),
            Username = info.User,
            Password = info.Password,
            Database = info.DbName ?? "postgres",
            SslMode = Npgsql.SslMode.Disable,
        }.ConnectionString;
    }

    /// <summary>
    /// Npgsql in its fastest configuration: a data source with automatic preparation (a statement is prepared from its
    /// second use, up to 20 per connection).
    /// </summary>
    public static NpgsqlDataSource CreateNpgsqlDataSource(bool pooling = true, string transport = "tcp")
    {
        var csb = new NpgsqlConnectionStringBuilder(NpgsqlBaseFor(transport))
        {
            MaxAutoPrepare = 20,
            AutoPrepareMinUsages = 2,
            Pooling = pooling,
            MaxPoolSize = 64,
        };
        return NpgsqlDataSource.Create(csb.ConnectionString);
    }

    /// <summary>Sharpgres with sslmode=disable (TempServer has no TLS; libpq's default "prefer" would try it first).</summary>
    public static Connection ConnectSharpgres(bool autocommit = true, string transport = "tcp") =>
        Pg.Connect(ConninfoFor(transport) + " sslmode=disable", autocommit: autocommit);
    public static Task<Connection> ConnectSharpgresAsync(bool autocommit = true) => Pg.ConnectAsync(Conninfo + " sslmode=disable", autocommit: autocommit);

    /// <summary>Starts a server (for the <c>server</c> command and for runs without the environment variable).</summary>
    public static TempServer StartServer() => TempServer.Start(new TempServerOptions
    {
        AuthMethod = AuthMethod.ScramSha256,
        Settings =
        {
            ["fsync"] = "off",
            ["synchronous_commit"] = "off",
            ["full_page_writes"] = "off",
            ["max_connections"] = "200",
            ["shared_buffers"] = "256MB",
        },
    });

    /// <summary>Rows of width_bytea (100 KB each, stored uncompressed) for the row-width curve.</summary>
    public const int ByteaRows = 200;

    private static string StartOrReuse()
    {
        var conninfo = Environment.GetEnvironmentVariable(ConninfoVariable);
        if (string.IsNullOrWhiteSpace(conninfo))
        {
            _owned = StartServer();
            conninfo = _owned.ConnectionString();
        }
        CreateSchema(conninfo);
        return conninfo;
    }

    /// <summary>The tables of the workloads. Idempotent: every process of a run may call it.</summary>
    private static void CreateSchema(string conninfo)
    {
        using var conn = Pg.Connect(conninfo + " sslmode=disable", autocommit: true);
        var cur = conn.Cursor();
        cur.Execute("""
            CREATE UNLOGGED TABLE IF NOT EXISTS fortune (id int PRIMARY KEY, message text NOT NULL);
            CREATE UNLOGGED TABLE IF NOT EXISTS insert_sharpgres (name text, city text, profession text);
            CREATE UNLOGGED TABLE IF NOT EXISTS insert_rewriting (name text, city text, profession text);
            CREATE UNLOGGED TABLE IF NOT EXISTS insert_npgsql (name text, city text, profession text);
            CREATE UNLOGGED TABLE IF NOT EXISTS copy_sharpgres (g int, name text, value float8, ts timestamptz);
            CREATE UNLOGGED TABLE IF NOT EXISTS copy_npgsql (g int, name text, value float8, ts timestamptz);
            CREATE UNLOGGED TABLE IF NOT EXISTS width_bytea (b bytea);
            ALTER TABLE width_bytea ALTER COLUMN b SET STORAGE EXTERNAL;
            """);
        cur.Execute("SELECT count(*) FROM width_bytea");
        if (cur.FetchOne<long>() == 0)
            cur.Execute($"INSERT INTO width_bytea SELECT decode(repeat(md5(s::text), 6400), 'hex') FROM generate_series(1, {ByteaRows}) s");
        cur.Execute("SELECT count(*) FROM fortune");
        if (cur.FetchOne<long>() == 0)
        {
            // TechEmpower's fortunes table.
            string[] messages =
            [
                "fortune: No such file or directory",
                "A computer scientist is someone who fixes things that aren't broken.",
                "After enough decimal places, nobody gives a damn.",
                "A bad random number generator: 1, 1, 1, 1, 1, 4.33e+67, 1, 1, 1",
                "A computer program does what you tell it to do, not what you want it to do.",
                "Emacs is a nice operating system, but I prefer UNIX. — Tom Christaensen",
                "Any program that runs right is obsolete.",
                "A list is only as strong as its weakest link. — Donald Knuth",
                "Feature: A bug with seniority.",
                "Computers make very fast, very accurate mistakes.",
                "<script>alert(\"This should not be displayed in a browser alert box.\");</script>",
                "フレームワークのベンチマーク",
            ];
            for (var i = 0; i < messages.Length; i++)
                cur.Execute("INSERT INTO fortune (id, message) VALUES (%s, %s)", i + 1, messages[i]);
        }
    }
}
