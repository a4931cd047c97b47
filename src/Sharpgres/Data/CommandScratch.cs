using Sharpgres.Protocol.Frontend;
using Sharpgres.Types;

namespace Sharpgres.Data;

/// <summary>
/// What one command's execution needs only until its messages are written (the statement list, the bound values'
/// arrays, the binder), kept per connection and reused by its next command, so a point query allocates none of them.
/// Only the direct path uses it: commands queued behind another (NonQueryQueue) keep their own until they are sent.
/// </summary>
internal sealed class CommandScratch
{
    private readonly List<(string Sql, BoundParameters Parameters)> _statements = new(1);
    private BoundParameters _parameters = BoundParameters.Empty;
    private ParameterBinder? _binder;

    /// <summary>The binder of <paramref name="inner"/> (a reopened connection has a new session and types).</summary>
    public ParameterBinder Binder(Connection inner) =>
        _binder is { } binder && ReferenceEquals(binder.Connection, inner) ? binder : _binder = new ParameterBinder(inner);

    /// <summary>The list to put the statements in, empty.</summary>
    public List<(string Sql, BoundParameters Parameters)> Statements()
    {
        _statements.Clear();
        return _statements;
    }

    /// <summary>Arrays for <paramref name="count"/> bound values (BoundParameters takes its count from them).</summary>
    public BoundParameters Parameters(int count)
    {
        if (_parameters.Count != count)
            _parameters = new BoundParameters(new object?[count], new PgCodec?[count], new PgFormat[count], new uint[count]);
        return _parameters;
    }

    /// <summary>After the write: the values are dropped so the connection doesn't keep the caller's objects alive.</summary>
    public void Release()
    {
        Array.Clear(_parameters.Values);
        _statements.Clear();
    }
}
