using System.Diagnostics;
using System.Globalization;

namespace Sharpgres.Testing;

/// <summary>
/// A throwaway replicated PostgreSQL cluster for tests, samples and benchmarks: one primary (<c>wal_level=replica</c>,
/// a replication slot per standby) and N hot standbys made with <c>pg_basebackup -R</c> from the same binaries
/// <see cref="TempServer"/> uses, each a <see cref="TempServer"/> with its own port, socket and directory. Start
/// returns once every standby streams (<c>pg_stat_replication</c>). Nodes are named node0 (the first primary),
/// node1, node2 ... (their application_name and slot name). <see cref="Dispose"/> removes every node.
/// </summary>
public sealed class TempCluster : IDisposable, IAsyncDisposable
{
    // Generous: on a loaded 2-core machine a base backup and a standby's first connection can take a while.
    private static readonly TimeSpan StreamingTimeout = TimeSpan.FromSeconds(120);

    // Every cluster of the process shares one superuser password (unless one is given), so they share one initdb.
    private static readonly string ProcessPassword = Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(12));
    private readonly List<TempServer> nodes;
    private readonly HashSet<TempServer> standbys;
    private readonly TempClusterOptions options;
    private int disposed;

    private TempCluster(List<TempServer> nodes, TempClusterOptions options)
    {
        this.nodes = nodes;
        this.options = options;
        Primary = nodes[0];
        standbys = [.. nodes.Skip(1)];
    }

    /// <summary>The node currently accepting writes: node0 until <see cref="Promote"/> picks another.</summary>
    public TempServer Primary { get; private set; }

    /// <summary>The nodes replicating from <see cref="Primary"/>, in node order (a primary that was replaced is in neither).</summary>
    public IReadOnlyList<TempServer> Standbys => nodes.Where(standbys.Contains).ToList();

    /// <summary>Every node, in a fixed order (node0 first), whatever its current role.</summary>
    public IReadOnlyList<TempServer> Nodes => nodes;

    /// <summary>How long <see cref="Start"/> took, from initdb to every standby streaming.</summary>
    public TimeSpan StartDuration { get; private set; }

    /// <summary>Creates the primary, takes <paramref name="standbys"/> base backups, starts them and waits until they stream.</summary>
    public static TempCluster Start(int standbys = 2, TempClusterOptions? options = null) =>
        StartAsync(standbys, options, CancellationToken.None).GetAwaiter().GetResult();

    /// <summary>The async form of <see cref="Start"/>.</summary>
    public static async Task<TempCluster> StartAsync(int standbys = 2, TempClusterOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(standbys);
        options ??= new TempClusterOptions();
        if (options.SynchronousStandby && standbys == 0)
            throw new ArgumentException("A synchronous standby needs at least one standby.", nameof(options));
        options = Copy(options);
        var stopwatch = Stopwatch.StartNew();
        var primary = await TempServer.StartAsync(NodeOptions(options, primary: true, standbys), cancellationToken).ConfigureAwait(false);
        primary.NodeName = "node0";
        var nodes = new List<TempServer> { primary };
        var cluster = new TempCluster(nodes, options);
        try
        {
            // The base backups run side by side: each is mostly waiting on the primary's checkpoint and the copy.
            var standbyTasks = Enumerable.Range(1, standbys)
                .Select(i => TempServer.StartStandbyAsync(primary, $"node{i}", NodeOptions(options, primary: false, standbys), cancellationToken))
                .ToList();
            try
            {
                await Task.WhenAll(standbyTasks).ConfigureAwait(false);
            }
            finally
            {
                foreach (var task in standbyTasks.Where(t => t.IsCompletedSuccessfully)) nodes.Add(task.Result);
            }
            cluster.standbys.UnionWith(nodes.Skip(1));
            await cluster.WaitForStreamingAsync(cancellationToken).ConfigureAwait(false);
            if (options.SynchronousStandby) await cluster.WaitForSyncAsync("node1", cancellationToken).ConfigureAwait(false);
            cluster.StartDuration = stopwatch.Elapsed;
            return cluster;
        }
        catch
        {
            cluster.Dispose();
            throw;
        }
    }

    private static TempClusterOptions Copy(TempClusterOptions o) => new()
    {
        AuthMethod = o.AuthMethod,
        Settings = new Dictionary<string, string>(o.Settings),
        SynchronousStandby = o.SynchronousStandby,
        SuperUser = o.SuperUser,
        Password = o.Password,
        BinDirectory = o.BinDirectory,
    };

    /// <summary>
    /// A new hot standby of the current <see cref="Primary"/> (base backup, start, streaming), e.g. to replace the
    /// node lost in a failover. With <see cref="TempClusterOptions.SynchronousStandby"/> it becomes the primary's
    /// synchronous standby (ALTER SYSTEM on the primary, reloaded).
    /// </summary>
    public TempServer AddStandby() => AddStandbyAsync().GetAwaiter().GetResult();

    /// <summary>The async form of <see cref="AddStandby"/>.</summary>
    public async Task<TempServer> AddStandbyAsync(CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref disposed) != 0, this);
        var name = $"node{nodes.Count}";
        var node = await TempServer.StartStandbyAsync(Primary, name, NodeOptions(options, primary: false, nodes.Count), cancellationToken).ConfigureAwait(false);
        nodes.Add(node);
        standbys.Add(node);
        await WaitForStreamingAsync(cancellationToken).ConfigureAwait(false);
        if (options.SynchronousStandby)
        {
            await using var admin = await Primary.AdminAsync(cancellationToken).ConfigureAwait(false);
            await admin.ExecuteAsync($"ALTER SYSTEM SET synchronous_standby_names = 'FIRST 1 ({name})'", null, cancellationToken).ConfigureAwait(false);
            await admin.ExecuteAsync("ALTER SYSTEM SET synchronous_commit = 'remote_apply'", null, cancellationToken).ConfigureAwait(false);
            await admin.ExecuteAsync("SELECT pg_catalog.pg_reload_conf()", null, cancellationToken).ConfigureAwait(false);
            await WaitForSyncAsync(name, cancellationToken).ConfigureAwait(false);
        }
        return node;
    }

    private static TempServerOptions NodeOptions(TempClusterOptions options, bool primary, int standbys)
    {
        var settings = new Dictionary<string, string>
        {
            ["wal_level"] = "replica",
            // Base backups run side by side, each asking for a fast checkpoint: without kept WAL one backup's
            // checkpoint can recycle a segment the other has yet to stream ("requested WAL segment ... has already
            // been removed").
            ["wal_keep_size"] = "256MB",
            ["hot_standby"] = "on",
            ["max_wal_senders"] = (standbys + 5).ToString(CultureInfo.InvariantCulture),
            ["max_replication_slots"] = (standbys + 5).ToString(CultureInfo.InvariantCulture),
            // A standby reports its replay position at once, and notices a dead primary within seconds.
            ["wal_receiver_status_interval"] = "1s",
            ["wal_receiver_timeout"] = "10s",
            ["wal_sender_timeout"] = "10s",
        };
        if (options.SynchronousStandby && primary)
        {
            settings["synchronous_standby_names"] = "FIRST 1 (node1)";
            settings["synchronous_commit"] = "remote_apply";
        }
        foreach (var (key, value) in options.Settings) settings[key] = value;
        return new TempServerOptions
        {
            AuthMethod = options.AuthMethod,
            Settings = settings,
            SuperUser = options.SuperUser,
            Password = options.Password ?? ProcessPassword,
            BinDirectory = options.BinDirectory,
            ShareInitDb = true,
        };
    }

    /// <summary>
    /// A libpq conninfo over every node (<c>host=127.0.0.1,127.0.0.1,... port=p0,p1,...</c>, node order) with the given
    /// <c>target_session_attrs</c>, TLS off (the nodes have none).
    /// </summary>
    public string ConnectionString(TargetSessionAttrs targetSessionAttrs = TargetSessionAttrs.Any, string database = "postgres")
    {
        var hosts = string.Join(',', nodes.Select(n => n.Host));
        var ports = string.Join(',', nodes.Select(n => n.Port.ToString(CultureInfo.InvariantCulture)));
        return $"host={hosts} port={ports} user={ConnInfo.Value(Primary.SuperUser)} password={ConnInfo.Value(Primary.Password, alwaysQuote: true)} " +
               $"dbname={ConnInfo.Value(database)} sslmode=disable target_session_attrs={Format(targetSessionAttrs)}";
    }

    private static string Format(TargetSessionAttrs attrs) => attrs switch
    {
        TargetSessionAttrs.Any => "any",
        TargetSessionAttrs.ReadWrite => "read-write",
        TargetSessionAttrs.ReadOnly => "read-only",
        TargetSessionAttrs.Primary => "primary",
        TargetSessionAttrs.Standby => "standby",
        TargetSessionAttrs.PreferStandby => "prefer-standby",
        _ => throw new ArgumentOutOfRangeException(nameof(attrs), attrs, null),
    };

    /// <summary>
    /// Promotes <paramref name="node"/> (<c>pg_ctl promote -w</c>), waits until it accepts writes, and points the other
    /// running standbys at it (they follow the new timeline). The old primary leaves the cluster's roles: it is
    /// usually dead; rebuild it if a test needs it back.
    /// </summary>
    public void Promote(TempServer node) => PromoteAsync(node).GetAwaiter().GetResult();

    /// <summary>The async form of <see cref="Promote"/>.</summary>
    public async Task PromoteAsync(TempServer node, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref disposed) != 0, this);
        if (!standbys.Contains(node)) throw new ArgumentException($"{node.NodeName} is not a standby of this cluster.", nameof(node));
        await node.PromoteAsync(cancellationToken).ConfigureAwait(false);
        await WaitUntilAsync(node, "SELECT NOT pg_catalog.pg_is_in_recovery()", StreamingTimeout, cancellationToken).ConfigureAwait(false);
        standbys.Remove(node);
        Primary = node;
        // A promoted node waits for no synchronous standby (it may have inherited a name from an ALTER SYSTEM on
        // the primary it was copied from); AddStandby names one again.
        await using (var admin = await node.AdminAsync(cancellationToken).ConfigureAwait(false))
        {
            await admin.ExecuteAsync("ALTER SYSTEM RESET synchronous_standby_names", null, cancellationToken).ConfigureAwait(false);
            await admin.ExecuteAsync("SELECT pg_catalog.pg_reload_conf()", null, cancellationToken).ConfigureAwait(false);
        }
        foreach (var standby in standbys.Where(s => s.IsRunning).ToList())
        {
            await using (var admin = await node.AdminAsync(cancellationToken).ConfigureAwait(false))
                await admin.ExecuteAsync("SELECT pg_catalog.pg_create_physical_replication_slot(%s)", [standby.NodeName], cancellationToken).ConfigureAwait(false);
            await standby.FollowAsync(node, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Waits until every running standby has replayed the primary's current WAL insert position (bounded by
    /// <paramref name="timeout"/>, default 30 s): everything committed before the call is then visible on every
    /// standby. (The insert position, not pg_current_wal_lsn's write position: with synchronous_commit = off a
    /// commit record can still sit in the WAL buffers, unwritten, when COMMIT returns.)
    /// </summary>
    public void WaitForReplay(TimeSpan? timeout = null) => WaitForReplayAsync(timeout).GetAwaiter().GetResult();

    /// <summary>The async form of <see cref="WaitForReplay"/>.</summary>
    public async Task WaitForReplayAsync(TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        string lsn;
        await using (var admin = await Primary.AdminAsync(cancellationToken).ConfigureAwait(false))
            lsn = (string)(await admin.ExecuteAsync("SELECT pg_catalog.pg_current_wal_insert_lsn()::text", null, cancellationToken).ConfigureAwait(false)).FetchOne()![0]!;
        foreach (var standby in Standbys.Where(s => s.IsRunning))
            await WaitUntilAsync(standby, $"SELECT pg_catalog.pg_last_wal_replay_lsn() >= '{lsn}'::pg_lsn", timeout ?? TimeSpan.FromSeconds(30), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Until pg_stat_replication on the primary shows every standby streaming (and node1 as sync when asked).</summary>
    private Task WaitForStreamingAsync(CancellationToken cancellationToken) =>
        WaitUntilAsync(Primary, $"SELECT count(*) >= {standbys.Count(s => s.IsRunning)} FROM pg_catalog.pg_stat_replication WHERE state = 'streaming'",
            StreamingTimeout, cancellationToken);

    private Task WaitForSyncAsync(string name, CancellationToken cancellationToken) =>
        WaitUntilAsync(Primary, $"SELECT count(*) = 1 FROM pg_catalog.pg_stat_replication WHERE application_name = '{name}' AND sync_state = 'sync'",
            StreamingTimeout, cancellationToken);

    private static async Task WaitUntilAsync(TempServer node, string condition, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var deadline = Stopwatch.StartNew();
        await using var admin = await node.AdminAsync(cancellationToken).ConfigureAwait(false);
        while (true)
        {
            if ((await admin.ExecuteAsync(condition, null, cancellationToken).ConfigureAwait(false)).FetchOne()![0] is true) return;
            if (deadline.Elapsed > timeout)
                throw new TempServerException($"{node.NodeName} ({node}): \"{condition}\" still false after {timeout.TotalSeconds:0} s");
            await Task.Delay(20, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Removes every node (immediate shutdown, directories deleted). Idempotent.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref disposed, 1) != 0) return;
        // Standbys first: a standby whose primary vanishes first only logs reconnection attempts, but there is no
        // reason to make it.
        foreach (var node in Enumerable.Reverse(nodes)) node.Dispose();
    }

    /// <summary>Removes every node, off the caller's thread.</summary>
    public ValueTask DisposeAsync() => Volatile.Read(ref disposed) != 0 ? ValueTask.CompletedTask : new ValueTask(Task.Run(Dispose));

    /// <inheritdoc/>
    public override string ToString() =>
        $"TempCluster primary {Primary.NodeName} on {Primary.Port}, standbys {string.Join(", ", Standbys.Select(s => $"{s.NodeName} on {s.Port}"))}";
}
