using Microsoft.Extensions.Logging;

namespace Sharpgres;

/// <summary>
/// The logging categories, one logger each, made from one ILoggerFactory (<see cref="Pg.LoggerFactory"/>, or a data
/// source's from DI). Kept per factory so a connection resolves its loggers once, not per statement.
/// </summary>
internal sealed class Loggers
{
    private static Loggers _last = new(Microsoft.Extensions.Logging.Abstractions.NullLoggerFactory.Instance);

    private Loggers(ILoggerFactory factory)
    {
        Factory = factory;
        Connection = factory.CreateLogger("Sharpgres.Connection");
        Command = factory.CreateLogger("Sharpgres.Command");
        Transaction = factory.CreateLogger("Sharpgres.Transaction");
        Copy = factory.CreateLogger("Sharpgres.Copy");
        Pool = factory.CreateLogger("Sharpgres.Pool");
        Notifications = factory.CreateLogger("Sharpgres.Notifications");
    }

    public ILoggerFactory Factory { get; }
    public ILogger Connection { get; }
    public ILogger Command { get; }
    public ILogger Transaction { get; }
    public ILogger Copy { get; }
    public ILogger Pool { get; }
    public ILogger Notifications { get; }

    /// <summary>The loggers of <paramref name="factory"/> (default: <see cref="Pg.LoggerFactory"/> as it is now).</summary>
    public static Loggers For(ILoggerFactory? factory = null)
    {
        factory ??= Pg.LoggerFactory;
        var last = _last;
        if (ReferenceEquals(last.Factory, factory)) return last;
        return _last = new Loggers(factory);
    }

    /// <summary>The logger an operation of this kind logs its Debug line to.</summary>
    public ILogger ForOperation(PgOperationKind kind) => kind switch
    {
        PgOperationKind.Commit or PgOperationKind.Rollback => Transaction,
        PgOperationKind.Copy => Copy,
        PgOperationKind.Connect => Connection,
        _ => Command,
    };
}
