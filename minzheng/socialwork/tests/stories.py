"""江海区's 社工站 for the every-endpoint scope test: 礼乐街道社工站 with its 社工 苏晓晴."""

import datetime as dt

from minzheng.accounts.roles import Role
from minzheng.accounts.services import user_create
from minzheng.socialwork import services


def jianghai_station(w) -> dict:
    su = user_create(actor=None, username="suxq", password="Minzheng#2026", display_name="苏晓晴", role=Role.TOWN,
                     areas=[w.lile])
    st = services.station_open(actor=w.huang, town=w.lile, name="礼乐街道社工站", opened_on=dt.date(2021, 6, 1))
    services.worker_add(actor=w.huang, station=st, user=su, since=dt.date(2021, 6, 1))
    return {"station": st.pk}
