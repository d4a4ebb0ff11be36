using Xunit.Abstractions;
using Xunit.Sdk;

namespace ClassroomGuard.Image.Tests.Upgrade;

/// <summary>
/// Runs a class's tests in the order of their names (Step1_…, Step2_…): the upgrade tests share one installed
/// appliance, and the rollback must run while it is still on the older release, before the real upgrade moves it on.
/// </summary>
public sealed class StepOrderer : ITestCaseOrderer
{
    /// <summary>For <see cref="TestCaseOrdererAttribute"/>.</summary>
    public const string TypeName = "ClassroomGuard.Image.Tests.Upgrade.StepOrderer";

    /// <summary>For <see cref="TestCaseOrdererAttribute"/>.</summary>
    public const string AssemblyName = "ClassroomGuard.Image.Tests";

    /// <inheritdoc/>
    public IEnumerable<TTestCase> OrderTestCases<TTestCase>(IEnumerable<TTestCase> testCases)
        where TTestCase : ITestCase => testCases.OrderBy(test => test.TestMethod.Method.Name, StringComparer.Ordinal);
}
