"""The affine helpers (voxel-to-world matrices), each on a worked example."""

from __future__ import annotations

import numpy as np
import pytest

from jaxresample import _affine


def test_check_affine_promotes_to_float64() -> None:
    got = _affine.check_affine(np.diag([2, 2, 1]), fn="example", ndim=2)
    assert got.dtype == np.float64
    np.testing.assert_array_equal(got, np.diag([2.0, 2.0, 1.0]))


def test_voxel_sizes_are_column_norms() -> None:
    got = _affine.voxel_sizes([[0, -2, 0, 10], [3, 0, 0, 0], [0, 0, 4, 0], [0, 0, 0, 1]])
    np.testing.assert_array_equal(got, [3.0, 2.0, 4.0])


def test_compose_is_the_matrix_product() -> None:
    got = _affine.compose(np.diag([2.0, 1.0]), [[1.0, 3.0], [0.0, 1.0]])
    np.testing.assert_array_equal(got, [[2.0, 6.0], [0.0, 1.0]])


def test_invert_homogeneous_matrix() -> None:
    got = _affine.invert([[2.0, 0.0, 4.0], [0.0, 0.5, 1.0], [0.0, 0.0, 1.0]])
    np.testing.assert_array_equal(got, [[0.5, 0.0, -2.0], [0.0, 2.0, -2.0], [0.0, 0.0, 1.0]])


def test_voxel_to_voxel_maps_output_voxels_to_input_voxels() -> None:
    got = _affine.voxel_to_voxel(np.diag([2.0, 2.0, 1.0]), np.diag([1.0, 1.0, 1.0]))
    np.testing.assert_array_equal(got, np.diag([2.0, 2.0, 1.0]))


@pytest.mark.parametrize(
    ("matrix", "aligned"),
    [
        ([[2.0, 0.0, 0.5], [0.0, 3.0, 1.0], [0.0, 0.0, 1.0]], True),
        ([[0.0, 1.0, 0.0], [1.0, 0.0, 0.0], [0.0, 0.0, 1.0]], False),
    ],
)
def test_is_axis_aligned(matrix: list[list[float]], aligned: bool) -> None:
    assert _affine.is_axis_aligned(matrix) is aligned
