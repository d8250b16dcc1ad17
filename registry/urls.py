from django.urls import path

from .views import api, assessments, auth, board, cooperatives, dashboard, history, members, reports

app_name = "registry"

urlpatterns = [
    path("", auth.HomeView.as_view(), name="home"),
    path("dasbor/", dashboard.DashboardView.as_view(), name="dashboard"),
    # District dashboard: export, refresh, figures for other systems (issue 5)
    path("dasbor/ekspor.xlsx", dashboard.DashboardExportView.as_view(), name="dashboard_export"),
    path("dasbor/hitung-ulang/", dashboard.SummaryRefreshView.as_view(), name="summary_refresh"),
    path("api/ringkasan.json", api.SummaryApiView.as_view(), name="summary_api"),
    # Staff workspace: cooperatives, their board, reports and history (issue 3)
    path("koperasi/", cooperatives.CooperativeListView.as_view(), name="cooperative_list"),
    path("koperasi/tambah/", cooperatives.CooperativeCreateView.as_view(), name="cooperative_create"),
    path("koperasi/<int:pk>/", cooperatives.CooperativeDetailView.as_view(), name="cooperative_detail"),
    path("koperasi/<int:pk>/ubah/", cooperatives.CooperativeUpdateView.as_view(), name="cooperative_update"),
    path("koperasi/<int:cooperative_pk>/status/", cooperatives.CooperativeStatusView.as_view(),
         name="cooperative_status"),
    path("koperasi/<int:cooperative_pk>/pengurus/tambah/", board.BoardMemberCreateView.as_view(),
         name="boardmember_create"),
    path("koperasi/<int:cooperative_pk>/pengurus/<int:pk>/ubah/", board.BoardMemberUpdateView.as_view(),
         name="boardmember_update"),
    path("koperasi/<int:cooperative_pk>/pengurus/<int:pk>/akhiri/", board.BoardMemberEndView.as_view(),
         name="boardmember_end"),
    path("koperasi/<int:cooperative_pk>/laporan/tambah/", reports.YearlyReportCreateView.as_view(),
         name="yearlyreport_create"),
    path("koperasi/<int:cooperative_pk>/laporan/<int:pk>/ubah/", reports.YearlyReportUpdateView.as_view(),
         name="yearlyreport_update"),
    path("koperasi/<int:cooperative_pk>/anggota/tambah/", members.MemberCreateView.as_view(),
         name="member_create"),
    path("koperasi/<int:cooperative_pk>/riwayat/<slug:kind>/<int:history_id>/kembalikan/",
         history.HistoryRevertView.as_view(), name="history_revert"),
    # Members across cooperatives (issue 3)
    path("anggota/", members.MemberListView.as_view(), name="member_list"),
    path("anggota/ganda/", members.MemberDuplicateListView.as_view(), name="member_duplicates"),
    path("anggota/log-nik/", members.NikRevealListView.as_view(), name="nikreveal_list"),
    path("anggota/<int:pk>/", members.MemberDetailView.as_view(), name="member_detail"),
    path("anggota/<int:pk>/buka-nik/", members.MemberRevealView.as_view(), name="member_reveal"),
    path("anggota/<int:pk>/ubah/", members.MemberUpdateView.as_view(), name="member_update"),
    path("anggota/<int:pk>/keluar/", members.MemberEndView.as_view(), name="member_end"),
    # Yearly assessments, recommendations (issue 4)
    path("penilaian/", assessments.AssessmentListView.as_view(), name="assessment_list"),
    path("penilaian/siapkan/", assessments.AssessmentPrepareView.as_view(), name="assessment_prepare"),
    path("rekomendasi/", assessments.RecommendationListView.as_view(), name="recommendation_list"),
    path("koperasi/<int:cooperative_pk>/penilaian/<int:year>/", assessments.AssessmentEntryView.as_view(),
         name="assessment_entry"),
    path("koperasi/<int:cooperative_pk>/penilaian/<int:year>/ajukan/", assessments.AssessmentSubmitView.as_view(),
         name="assessment_submit"),
    path("koperasi/<int:cooperative_pk>/penilaian/<int:year>/verifikasi/",
         assessments.AssessmentVerifyView.as_view(), name="assessment_verify"),
    path("koperasi/<int:cooperative_pk>/penilaian/<int:year>/kembalikan/",
         assessments.AssessmentReturnView.as_view(), name="assessment_return"),
    path("koperasi/<int:cooperative_pk>/penilaian/<int:year>/buka-kembali/",
         assessments.AssessmentReopenView.as_view(), name="assessment_reopen"),
    path("koperasi/<int:cooperative_pk>/penilaian/<int:year>/rekomendasi/",
         assessments.AssessmentRecommendationView.as_view(), name="assessment_recommendations"),
]
