"""Properties the forecast must have for any plan, checked on generated plans (hypothesis)."""

import random
from dataclasses import replace
from datetime import date, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from plansicht.engine.schedule import DependencyIn, MeasureIn, MilestoneIn, PlanVersionIn, forecast

AS_OF = date(2025, 6, 1)


@st.composite
def plans(draw):
    n = draw(st.integers(min_value=1, max_value=14))
    measures = [MeasureIn("M0"), MeasureIn("M1", "M0"), MeasureIn("M2")]
    milestones = []
    for i in range(n):
        planned = AS_OF + timedelta(days=draw(st.integers(-200, 200)))
        duration = draw(st.integers(0, 90))
        actual_start = actual_finish = None
        if draw(st.booleans()):
            actual_start = AS_OF + timedelta(days=draw(st.integers(-300, 30)))
            if draw(st.booleans()):
                actual_finish = actual_start + timedelta(days=draw(st.integers(0, 120)))
        expected = None
        if draw(st.booleans()):
            expected = AS_OF + timedelta(days=draw(st.integers(-100, 300)))
        milestones.append(
            MilestoneIn(
                key=f"m{i}",
                planned_start=planned,
                duration_days=duration,
                measure=draw(st.sampled_from(["M0", "M1", "M2"])),
                actual_start=actual_start,
                actual_finish=actual_finish,
                expected_finish=expected,
                progress=draw(st.integers(0, 100)),
            )
        )
    pairs = draw(
        st.sets(
            st.tuples(st.integers(0, n - 1), st.integers(0, n - 1)).filter(lambda p: p[0] < p[1]),
            max_size=3 * n,
        )
    )
    deps = [
        DependencyIn(
            f"m{p}", f"m{s}", draw(st.sampled_from(["FS", "SS"])), draw(st.integers(-20, 40))
        )
        for p, s in sorted(pairs)
    ]
    versions = [
        PlanVersionIn(
            1,
            date(2020, 1, 1),
            {m.key: m.planned_start + timedelta(days=m.duration_days) for m in milestones},
        )
    ]
    return milestones, deps, measures, versions


def compute(milestones, deps, measures, versions):
    return forecast(milestones, deps, as_of=AS_OF, measures=measures, plan_versions=versions)


@settings(max_examples=300, deadline=None)
@given(plans())
def test_no_unstarted_milestone_starts_before_its_predecessors_allow(plan):
    milestones, deps, measures, versions = plan
    f = compute(*plan)
    for dep in deps:
        successor = f.milestones[dep.successor]
        if successor.started:
            continue
        predecessor = f.milestones[dep.predecessor]
        anchor = predecessor.finish if dep.type == "FS" else predecessor.start
        assert successor.start >= anchor + timedelta(days=dep.lag_days)
    for m in milestones:
        r = f.milestones[m.key]
        if not r.started:
            assert r.start >= max(m.planned_start, AS_OF)
        assert r.finish >= r.start
        if not r.finished:
            assert r.finish >= AS_OF


@settings(max_examples=300, deadline=None)
@given(plans(), st.data())
def test_delaying_one_milestone_never_makes_any_forecast_earlier(plan, data):
    milestones, deps, measures, versions = plan
    before = compute(*plan)
    i = data.draw(st.integers(0, len(milestones) - 1))
    days = data.draw(st.integers(1, 200))
    how = data.draw(st.sampled_from(["planned_start", "duration", "expected_finish"]))
    m = milestones[i]
    if how == "planned_start":
        delayed = replace(m, planned_start=m.planned_start + timedelta(days=days))
    elif how == "duration":
        delayed = replace(m, duration_days=m.duration_days + days)
    else:
        base = m.expected_finish or before.milestones[m.key].finish
        delayed = replace(m, expected_finish=base + timedelta(days=days))
    after = compute(milestones[:i] + [delayed] + milestones[i + 1 :], deps, measures, versions)
    for key, old in before.milestones.items():
        new = after.milestones[key]
        assert new.start >= old.start and new.finish >= old.finish
    for key, old in before.measures.items():
        if old.forecast_finish is not None:
            assert after.measures[key].forecast_finish >= old.forecast_finish
    assert after.programme.forecast_finish >= before.programme.forecast_finish


@settings(max_examples=200, deadline=None)
@given(plans(), st.randoms(use_true_random=False))
def test_the_result_does_not_depend_on_the_order_of_the_input(plan, rnd: random.Random):
    milestones, deps, measures, versions = plan
    before = compute(*plan)
    shuffled = (
        rnd.sample(milestones, len(milestones)),
        rnd.sample(deps, len(deps)),
        rnd.sample(measures, len(measures)),
        versions,
    )
    after = compute(*shuffled)
    assert after.milestones == before.milestones
    assert after.measures == before.measures
    assert after.programme == before.programme
