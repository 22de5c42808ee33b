"""The asset register (资产台账, 临猗资金办法第八条) and the state of each asset at an
inspection (idle or moved: 临猗日常监督管理制度第1条第（五）项)."""
import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from funds import services
from funds.models import AssetState

from ..helpers import TODAY, png

DAY = datetime.date(2026, 11, 20)


def test_it_registers_an_asset_and_records_its_state_at_inspections(demo):
    asset = services.asset_create(etown=demo.etown, by=demo.contractor, name="智能分拣线", value=Decimal("180000"),
                                  acquired_on=DAY, location="物流中心", ownership="临猗县人民政府", photo_upload=png())
    with pytest.raises(ValidationError, match="请写明核查情况"):
        services.asset_record_inspection(asset=asset, inspected_on=TODAY, state=AssetState.IDLE, by=demo.office, today=TODAY)
    services.asset_record_inspection(asset=asset, inspected_on=TODAY, state=AssetState.IDLE, note="设备未通电，闲置",
                                     by=demo.agency, today=TODAY)
    # An older inspection entered later does not overwrite the newer state.
    services.asset_record_inspection(asset=asset, inspected_on=DAY, state=AssetState.IN_USE, by=demo.office, today=TODAY)
    asset.refresh_from_db()
    assert (asset.state, asset.state_checked_on) == (AssetState.IDLE, TODAY)
    assert asset.inspections.count() == 2
    assert asset.history.first().history_change_reason == "2026-11-23 核查：闲置，设备未通电，闲置"
    for user in (demo.contractor, demo.contractor2, demo.finance, demo.auditor):
        with pytest.raises(PermissionDenied):
            services.asset_record_inspection(asset=asset, inspected_on=TODAY, state=AssetState.IN_USE, by=user, today=TODAY)
