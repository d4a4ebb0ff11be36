using System.Globalization;

namespace ClassroomGuard.Storage.TimeSeries;

/// <summary>The answer to one InfluxQL request: one result per statement, in order.</summary>
public sealed class InfluxQueryResult
{
    internal InfluxQueryResult(IReadOnlyList<InfluxStatementResult> statements) => Statements = statements;

    /// <summary>Results of the statements, in the order they were sent.</summary>
    public IReadOnlyList<InfluxStatementResult> Statements { get; }

    /// <summary>All series of all statements (most requests have one statement).</summary>
    public IEnumerable<InfluxSeries> Series => Statements.SelectMany(s => s.Series);
}

/// <summary>The result of one InfluxQL statement.</summary>
public sealed class InfluxStatementResult
{
    internal InfluxStatementResult(int statementId, IReadOnlyList<InfluxSeries> series, string? error)
    {
        StatementId = statementId;
        Series = series;
        Error = error;
    }

    /// <summary>The statement's index in the request.</summary>
    public int StatementId { get; }

    /// <summary>The series the statement returned (empty when none matched).</summary>
    public IReadOnlyList<InfluxSeries> Series { get; }

    /// <summary>The error InfluxDB reported for this statement, or <see langword="null"/>.</summary>
    public string? Error { get; }
}

/// <summary>One series of a result: a name, the tags it was grouped by, columns and rows.</summary>
public sealed class InfluxSeries
{
    internal InfluxSeries(string name, IReadOnlyDictionary<string, string> tags, IReadOnlyList<string> columns, IReadOnlyList<InfluxValue[]> rows)
    {
        Name = name;
        Tags = tags;
        Columns = columns;
        Rows = rows;
    }

    /// <summary>The index of the statement (in the request) this series answers.</summary>
    public int StatementId { get; internal set; }

    /// <summary>The measurement (or <c>SHOW</c> result) name; empty if the server sent none.</summary>
    public string Name { get; }

    /// <summary>Tags of a <c>GROUP BY</c> series; empty otherwise.</summary>
    public IReadOnlyDictionary<string, string> Tags { get; }

    /// <summary>Column names; <c>time</c> first for data queries.</summary>
    public IReadOnlyList<string> Columns { get; }

    /// <summary>Rows, each with one value per column. Times are Unix nanoseconds (the reader asks for <c>epoch=ns</c>).</summary>
    public IReadOnlyList<InfluxValue[]> Rows { get; }

    /// <summary>Index of <paramref name="column"/>, or -1.</summary>
    public int ColumnIndex(string column)
    {
        for (var i = 0; i < Columns.Count; i++)
        {
            if (string.Equals(Columns[i], column, StringComparison.Ordinal))
            {
                return i;
            }
        }

        return -1;
    }
}

/// <summary>Kind of an <see cref="InfluxValue"/>.</summary>
public enum InfluxValueKind
{
    /// <summary>JSON null: no value in this row.</summary>
    Null,

    /// <summary>A whole number. Note that JSON cannot tell a float 2.0 from the integer 2: both read as integers.</summary>
    Integer,

    /// <summary>A number with a fraction or exponent.</summary>
    Float,

    /// <summary>Text.</summary>
    String,

    /// <summary>true or false.</summary>
    Boolean,
}

/// <summary>One cell of a query result, without boxing.</summary>
public readonly struct InfluxValue : IEquatable<InfluxValue>
{
    private readonly long _integer;
    private readonly double _float;
    private readonly string? _string;

    private InfluxValue(InfluxValueKind kind, long integer, double @float, string? @string)
    {
        Kind = kind;
        _integer = integer;
        _float = @float;
        _string = @string;
    }

    /// <summary>What the value holds.</summary>
    public InfluxValueKind Kind { get; }

    /// <summary>Whether the value is JSON null.</summary>
    public bool IsNull => Kind == InfluxValueKind.Null;

    internal static InfluxValue Null => default;

    internal static InfluxValue FromInteger(long value) => new(InfluxValueKind.Integer, value, value, null);

    internal static InfluxValue FromFloat(double value) => new(InfluxValueKind.Float, 0, value, null);

    internal static InfluxValue FromString(string value) => new(InfluxValueKind.String, 0, 0, value);

    internal static InfluxValue FromBoolean(bool value) => new(InfluxValueKind.Boolean, value ? 1 : 0, value ? 1 : 0, null);

    /// <summary>The integer value; throws if the value is not an integer.</summary>
    public long AsInt64() => Kind == InfluxValueKind.Integer ? _integer : throw Mismatch(InfluxValueKind.Integer);

    /// <summary>The numeric value (integer or float) as a double; throws otherwise.</summary>
    public double AsDouble() => Kind is InfluxValueKind.Integer or InfluxValueKind.Float ? _float : throw Mismatch(InfluxValueKind.Float);

    /// <summary>The text value; throws if the value is not a string.</summary>
    public string AsString() => Kind == InfluxValueKind.String ? _string! : throw Mismatch(InfluxValueKind.String);

    /// <summary>The boolean value; throws if the value is not a boolean.</summary>
    public bool AsBoolean() => Kind == InfluxValueKind.Boolean ? _integer != 0 : throw Mismatch(InfluxValueKind.Boolean);

    /// <summary>An integer cell of Unix nanoseconds (a <c>time</c> column) as a UTC time.</summary>
    public DateTimeOffset AsTime() => DateTimeOffset.UnixEpoch.AddTicks(AsInt64() / 100);

    /// <inheritdoc />
    public bool Equals(InfluxValue other) =>
        Kind == other.Kind && _integer == other._integer && _float.Equals(other._float) && string.Equals(_string, other._string, StringComparison.Ordinal);

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is InfluxValue other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Kind, _integer, _float, _string);

    /// <summary>Compares two values.</summary>
    public static bool operator ==(InfluxValue left, InfluxValue right) => left.Equals(right);

    /// <summary>Compares two values.</summary>
    public static bool operator !=(InfluxValue left, InfluxValue right) => !left.Equals(right);

    /// <summary>The value as invariant text (<c>null</c> for null).</summary>
    public override string ToString() => Kind switch
    {
        InfluxValueKind.Null => "null",
        InfluxValueKind.Integer => _integer.ToString(CultureInfo.InvariantCulture),
        InfluxValueKind.Float => _float.ToString("R", CultureInfo.InvariantCulture),
        InfluxValueKind.Boolean => _integer != 0 ? "true" : "false",
        _ => _string!,
    };

    private InvalidOperationException Mismatch(InfluxValueKind wanted) =>
        new($"The value is {Kind}, not {wanted}.");
}
